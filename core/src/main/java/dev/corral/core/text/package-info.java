/**
 * Text semantics reference tools depend on: Python's {@code str} ({@link
 * dev.corral.core.text.PythonStr}); UTF-8 written a code point at a time ({@link
 * dev.corral.core.text.Utf8}); and what tokenizers share to run fast: a cache of what they computed
 * for recent words ({@link dev.corral.core.text.WordCache}).
 */
package dev.corral.core.text;
