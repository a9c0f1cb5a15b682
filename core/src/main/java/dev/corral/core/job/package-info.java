/**
 * The job runner's parts that libraries use too: safe, atomic outputs, resumable Delta writes keyed
 * on settings and input fingerprints, and run records.
 */
package dev.corral.core.job;
