/**
 * The data card of a recipe run: {@link dev.corral.jobs.card.DataCard} reads what a recipe left in
 * its folder (the recipe's record {@code _corral/recipe.json}, each step's run record and table,
 * the mixture's manifest) and writes {@code report.md}, {@code report.json}, {@code report.html}
 * (self-contained) and PNG charts beside them, so that someone who did not run the recipe can tell
 * what went in, what was removed and why, and run it again.
 */
package dev.corral.jobs.card;
