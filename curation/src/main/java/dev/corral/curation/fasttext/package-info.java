/**
 * fastText in pure Java: reads the {@code .bin} and {@code .ftz} models that fastText 0.9.x writes
 * and predicts labels exactly as its {@code predict} and {@code predict-prob} commands do.
 *
 * <p>Entry points: {@link dev.corral.curation.fasttext.FastTextModel#load(java.nio.file.Path)},
 * {@link dev.corral.curation.fasttext.FastTextModel#predict(String, int, float)} for one text, and
 * {@link dev.corral.curation.fasttext.StreamPredictor} for files and streams of any size.
 */
package dev.corral.curation.fasttext;
