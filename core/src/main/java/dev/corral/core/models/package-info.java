/**
 * The per-JVM cache of models of every kind ({@link dev.corral.core.models.ModelCache}), keyed by
 * URI.
 */
package dev.corral.core.models;
