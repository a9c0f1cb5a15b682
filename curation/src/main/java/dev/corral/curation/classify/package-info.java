/**
 * Text classification with fastText as Spark ML stages: {@link
 * dev.corral.curation.classify.FastTextTrainer} learns a classifier from a labelled table (on the
 * driver or on one executor) and returns a {@link dev.corral.curation.classify.FastTextClassifier},
 * which annotates every row with its best label and probability. The model is an ordinary fastText
 * {@code .bin} that the fastText binary also reads.
 */
package dev.corral.curation.classify;
