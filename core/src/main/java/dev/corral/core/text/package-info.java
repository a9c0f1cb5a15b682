/**
 * Text semantics reference tools depend on: Python's {@code str} ({@link
 * dev.corral.core.text.PythonStr}).
 */
package dev.corral.core.text;
