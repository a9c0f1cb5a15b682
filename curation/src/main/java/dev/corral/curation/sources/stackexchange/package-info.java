/**
 * Stack Exchange, LLaMA's 2% source: the archive.org dumps ({@code .7z} per site, CC BY-SA) into
 * one document per question with its answers, as the paper describes and RedPajama v1 processed it
 * ({@link dev.corral.curation.sources.stackexchange.StackExchange}); the HTML is removed exactly as
 * RedPajama's {@code cleanhtml} did ({@link dev.corral.curation.sources.stackexchange.HtmlText}).
 */
package dev.corral.curation.sources.stackexchange;
