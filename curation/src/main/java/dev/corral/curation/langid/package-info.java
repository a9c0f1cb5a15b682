/**
 * Language identification as a Spark ML stage: {@link
 * dev.corral.curation.langid.LanguageIdentifier} labels a text column with fastText's lid.176 model
 * (bundled) or any fastText language-ID model, CCNet style.
 */
package dev.corral.curation.langid;
