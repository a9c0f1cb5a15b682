#!/usr/bin/env python3
"""Writes MediaWiki XML dumps of realistic wikitext pages, as dumps.wikimedia.org serves them.

  pages.py golden OUTDIR           20 dumps ({lang}wiki-20220701-pages-articles.xml), 11 articles each plus
                                   talk, template, category and file pages, redirects and an empty page
  pages.py bench OUT.xml MB [LANG] one dump of about MB megabytes of wikitext: UDHR paragraphs (shared data)
                                   wrapped in the same markup, for benchmarks

The markup is what articles carry: infoboxes with templates nested three deep, named and self-closing
references, wiki tables (nested too), galleries, math, file links in every alias of the language with captions
holding links, categories with sort keys, interwiki links, comments over several lines, entities, lists,
external links, magic words, headings of several levels, and text in Latin, Cyrillic and other scripts.
Deterministic: the same arguments write the same bytes."""
import random
import sys
from xml.sax.saxutils import escape

from langs import LANGS

# The HF builder's alias tables for the 20 LLaMA languages (SOURCES.md 1.2), so that pages use every alias.
MEDIA_ALIASES = {
    "bg": ["Медия", "Файл", "Картинка"], "ca": ["Fitxer", "Imatge"], "cs": ["Soubor", "Média", "Obrázok"],
    "da": ["Billede", "Fil"], "de": ["Medium", "Datei", "Bild"], "en": [],
    "es": ["Medio", "Archivo", "Imagen"], "fr": ["Média", "Fichier"],
    "hr": ["Mediji", "DT", "Slika", "F", "Datoteka"], "hu": ["Kép", "Fájl", "Média"], "it": ["Immagine"],
    "nl": ["Bestand", "Afbeelding"], "pl": ["Plik", "Grafika"],
    "pt": ["Multimédia", "Ficheiro", "Arquivo", "Imagem"], "ro": ["Fişier", "Imagine", "Fișier"],
    "ru": ["Медиа", "Файл", "Изображение"], "sl": ["Slika", "Datoteka"],
    "sr": ["Датотека", "Medij", "Slika", "Медија", "Datoteka", "Медиј", "Medija", "Слика"],
    "sv": ["Fil", "Bild"], "uk": ["Медіа", "Медиа", "Файл", "Изображение", "Зображення"],
}
CAT_ALIASES = {
    "bg": ["Категория"], "ca": ["Categoria"], "cs": ["Kategorie"], "da": ["Kategori"], "de": ["Kategorie"],
    "en": [], "es": ["CAT", "Categoría"], "fr": ["Catégorie"], "hr": ["CT", "KT", "Kategorija"],
    "hu": ["Kategória"], "it": ["CAT", "Categoria"], "nl": ["Categorie"], "pl": ["Kategoria"],
    "pt": ["Categoria"], "ro": ["Categorie"], "ru": ["Категория", "К"], "sl": ["Kategorija"],
    "sr": ["Kategorija", "Категорија"], "sv": ["Kategori"], "uk": ["Категория", "Категорія"],
}
FOREIGN = ["Αθήνα (Athína)", "東京 (Tōkyō)", "القاهرة", "ירושלים", "서울", "กรุงเทพมหานคร", "Тбилиси",
           "Ελληνική Δημοκρατία", "北京市", "मुंबई", "Reykjavík", "Łódź"]
ENTITIES = ["&nbsp;", "&ndash;", "&mdash;", "&amp;", "&#160;", "&#x2014;", "&lt;", "&gt;", "&quot;", "&eacute;",
            "&copy;", "&deg;", "&times;", "&minus;", "&hellip;", "&#8203;", "&thinsp;", "&alpha;"]
IMAGES = ["Skyline_at_dusk.jpg", "Old town 1900.png", "Coat_of_arms.svg", "River view (2019).jpg", "Map.svg",
          "Cathedral interior.JPG", "Panorama-2.jpeg", "Flag.svg", "Sound sample.ogg", "Bridge at night.webm"]


def page_xml(title, ns, pid, rev, ts, text, redirect=None, model="wikitext"):
    red = f'    <redirect title="{escape(redirect, {chr(34): "&quot;"})}" />\n' if redirect else ""
    body = ('      <text bytes="%d" xml:space="preserve">%s</text>\n'
            % (len(text.encode()), escape(text, {'"': "&quot;"}))) if text else \
        '      <text bytes="0" xml:space="preserve" />\n'
    return (f"  <page>\n    <title>{escape(title)}</title>\n    <ns>{ns}</ns>\n    <id>{pid}</id>\n{red}"
            f"    <revision>\n      <id>{rev}</id>\n      <parentid>{rev - 17}</parentid>\n"
            f"      <timestamp>{ts}</timestamp>\n      <contributor>\n        <username>Editor{pid % 97}</username>\n"
            f"        <id>{pid * 7 % 100003}</id>\n      </contributor>\n      <comment>/* edit */ copyedit</comment>\n"
            f"      <model>{model}</model>\n      <format>text/x-wiki</format>\n{body}"
            f"      <sha1>{'%031x' % (pid * 2654435761 % (1 << 124))}</sha1>\n    </revision>\n  </page>\n")


def siteinfo(lang, info):
    names = dict(info["ns"])
    order = [-2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 828]
    talk = {3: names[2] + " talk", 5: names[4] + " talk", 7: names[6] + " talk", 9: "MediaWiki talk",
            11: names[10] + " talk", 13: names[12] + " talk", 15: names[14] + " talk"}
    lines = []
    for i in order:
        name = names.get(i, talk.get(i, "MediaWiki" if i == 8 else ""))
        case = "case-sensitive" if i == 2 and lang == "de" else "first-letter"
        if i == 0:
            lines.append(f'      <namespace key="0" case="{case}" />')
        else:
            lines.append(f'      <namespace key="{i}" case="{case}">{escape(name)}</namespace>')
    return ('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.10/ '
            'http://www.mediawiki.org/xml/export-0.10.xsd" version="0.10" xml:lang="%s">\n'
            '  <siteinfo>\n    <sitename>%s</sitename>\n    <dbname>%swiki</dbname>\n'
            '    <base>https://%s.wikipedia.org/wiki/Main_Page</base>\n'
            '    <generator>MediaWiki 1.39.0-wmf.18</generator>\n    <case>first-letter</case>\n'
            '    <namespaces>\n%s\n    </namespaces>\n  </siteinfo>\n'
            % (lang, escape(info["site"]), lang, lang, "\n".join(lines)))


class Writer:
    """Composes one language's pages from its material and the markup above."""

    def __init__(self, lang, rnd, paragraphs=None):
        self.lang, self.r = lang, rnd
        self.info = LANGS[lang]
        self.paragraphs = paragraphs  # UDHR paragraphs for bench dumps; None uses the language's sentences
        self.ref_names = []

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def media_prefix(self):
        return self.pick(["File", "Image", "Media", "file", "IMAGE"] + MEDIA_ALIASES[self.lang] * 2
                         + [self.info["ns"][6], self.info["ns"][-2]])

    def cat_prefix(self):
        return self.pick(["Category", "category"] + CAT_ALIASES[self.lang] * 2 + [self.info["ns"][14]])

    def link(self, word):
        r = self.r.random()
        title = self.pick(self.info["titles"])
        if r < 0.3:
            return f"[[{word}]]"
        if r < 0.55:
            return f"[[{title}|{word}]]"
        if r < 0.65:
            return f"[[{word}]]{self.pick(['s', 'a', 'ov', 'es'])}"
        if r < 0.72:
            return f"[[{title}#{self.pick(self.info['headings'])}|{word}]]"
        if r < 0.8:
            return f"[[{title} ({self.pick(self.info['words'])})|{word}]]"
        if r < 0.86:
            return f"[[:{self.pick(['en', 'de', 'fr', 'ja'])}:{word}|{word}]]"
        if r < 0.92:
            return f"[[{word}|''{word}'']]"
        return f"[[{word.lower()}]]"

    def ref(self):
        r = self.r.random()
        if self.ref_names and r < 0.25:
            return f'<ref name="{self.pick(self.ref_names)}" />'
        if self.ref_names and r < 0.32:
            return f"<ref name={self.pick(self.ref_names)}/>"
        url = f"https://www.example.{self.lang}/{self.pick(self.info['words'])}/{self.r.randrange(10**4)}"
        cite = self.pick([
            f"{{{{cite web |url={url} |title={self.pick(self.info['titles'])} |access-date=2022-05-{self.r.randrange(10, 29)}}}}}",
            f"{{{{Cite book|last=Novak|first=J.|title=''{self.pick(self.info['titles'])}''|year=19{self.r.randrange(50, 99)}|page={self.r.randrange(1, 400)}}}}}",
            f"[{url} {self.pick(self.info['titles'])}], {self.r.randrange(1990, 2022)}.",
            f"{self.pick(self.info['sentences'])} {{{{page needed|date=May 2022}}}}",
        ])
        if r < 0.6:
            name = f"{self.pick(self.info['words'])}{self.r.randrange(100)}"
            self.ref_names.append(name)
            q = self.pick(['"', "", "'"])
            return f"<ref name={q}{name}{q}>{cite}</ref>"
        if r < 0.7:
            return f'<ref group="note">{self.pick(self.info["sentences"])}</ref>'
        return f"<ref>{cite}</ref>"

    def decorate(self, sentence):
        words = sentence.split(" ")
        out = []
        for i, w in enumerate(words):
            r = self.r.random()
            core = w.rstrip(".,;:")
            tail = w[len(core):]
            if not core:
                out.append(w)
                continue
            if r < 0.10:
                w = self.link(core) + tail
            elif r < 0.13:
                w = f"''{core}''{tail}"
            elif r < 0.15:
                w = f"'''{core}'''{tail}"
            elif r < 0.17 and i + 1 < len(words):
                w = core + tail + self.pick(ENTITIES[:3])
                out.append(w)
                continue
            elif r < 0.18:
                w = f"{{{{lang|{self.pick(['la', 'en', 'el'])}|{core}}}}}{tail}"
            elif r < 0.19:
                w = f"<span style=\"color:#333\">{core}</span>{tail}"
            elif r < 0.20:
                w = f"{core}<sup>{self.r.randrange(1, 9)}</sup>{tail}"
            out.append(w)
        s = " ".join(out)
        r = self.r.random()
        if r < 0.3:
            s += self.ref()
        elif r < 0.36:
            s += self.ref() + self.ref()
        elif r < 0.40:
            s += "{{citation needed|date=June 2022}}"
        return s

    def text(self, n):
        if self.paragraphs:
            return self.decorate(self.pick(self.paragraphs))
        return " ".join(self.decorate(self.pick(self.info["sentences"])) for _ in range(n))

    def infobox(self):
        t = self.pick(self.info["titles"])
        img = self.pick(IMAGES)
        return (f"{{{{Infobox settlement\n| name = {t}\n| image = [[{self.media_prefix()}:{img}|250px]]\n"
                f"| caption = {self.pick(self.info['words'])} {{{{small|({self.r.randrange(1900, 2020)})}}}}\n"
                f"| area_km2 = {{{{convert|{self.r.randrange(10, 900)}|km2|sqmi|abbr=on}}}}\n"
                f"| population = {{{{formatnum:{self.r.randrange(10**4, 10**7)}}}}}{{{{efn|{{{{lang|la|{t}}}}} "
                f"{{{{nowrap|{{{{abbr|est.|estimated}}}}}}}}}}}}\n"
                f"| website = {{{{URL|https://www.{t.lower().replace(' ', '')}.example}}}}\n}}}}\n")

    def file_link(self):
        img = self.pick(IMAGES)
        opts = self.pick(["thumb", "thumb|left", "thumb|upright=1.2", "right|250px", "frameless|center",
                          "mini", "miniatur|links"])
        cap = self.pick([
            f"{self.pick(self.info['words'])} {self.link(self.pick(self.info['titles']))} "
            f"({self.r.randrange(1850, 2020)})",
            f"{self.pick(self.info['sentences'])}",
            f"''{self.pick(self.info['words'])}'' &ndash; {self.link(self.pick(self.info['words']))}"
            f"<ref>{self.pick(self.info['sentences'])}</ref>",
            f"{self.pick(self.info['words'])} [[{self.pick(self.info['titles'])}|{self.pick(self.info['words'])}]]"
            f" and [[{self.pick(self.info['titles'])}]]",
        ])
        return f"[[{self.media_prefix()}:{img}|{opts}|{cap}]]"

    def table(self, nested=False):
        rows = []
        for i in range(self.r.randrange(2, 4)):
            cells = " || ".join(self.pick(self.info["words"]) + str(self.r.randrange(100)) for _ in range(3))
            style = self.pick(["", 'style="text-align:right" | ', "align=center | "])
            rows.append(f"|-\n| {style}{cells}")
        inner = ""
        if nested:
            inner = "|-\n|\n" + self.table() + "\n"
        cap = f"|+ {self.pick(self.info['words'])}{self.ref() if self.r.random() < 0.3 else ''}\n"
        return ('{| class="wikitable sortable"\n' + cap
                + f"! {self.pick(self.info['words'])} !! {self.pick(self.info['words'])} !! "
                  f"[[{self.pick(self.info['titles'])}]]\n"
                + "\n".join(rows) + "\n" + inner + "|}")

    def gallery(self):
        lines = [f"{self.media_prefix() if self.r.random() < 0.5 else 'File'}:{self.pick(IMAGES)}|"
                 f"{self.pick(self.info['words'])} [[{self.pick(self.info['titles'])}]]" for _ in range(3)]
        return '<gallery mode="packed" heights="150">\n' + "\n".join(lines) + "\n</gallery>"

    def math(self):
        return self.pick(["<math>E = mc^2</math>", "<math display=\"block\">\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}</math>",
                          "<math>\\sqrt{a^2 + b^2}</math>", "<chem>H2O</chem>"])

    def comment(self):
        return self.pick(["<!-- TODO: expand this section -->",
                          f"<!--\n{self.pick(self.info['sentences'])}\n  [[Not a link]] {{{{not a template}}}}\n-->",
                          "<!-- Please do not change the population figure\n without a source -->"])

    def lst(self):
        m = self.pick(["*", "#", "*", ":"])
        items = []
        for _ in range(self.r.randrange(2, 5)):
            sub = self.pick(["", "", m + m[0] if m != ":" else "::"])
            items.append(f"{sub or m} {self.link(self.pick(self.info['titles']))} &ndash; "
                         f"{self.decorate(self.pick(self.info['sentences']))}")
        if self.r.random() < 0.2:
            items.append(f"; {self.pick(self.info['words'])} : {self.pick(self.info['sentences'])}")
        return "\n".join(items)

    def section_body(self):
        parts = []
        for _ in range(self.r.randrange(1, 4)):
            r = self.r.random()
            if r < 0.15:
                parts.append(self.file_link() + "\n" + self.text(2))
            elif r < 0.25:
                parts.append(self.table(nested=self.r.random() < 0.3))
            elif r < 0.32:
                parts.append(self.gallery())
            elif r < 0.40:
                parts.append(self.text(1) + " " + self.math() + " " + self.text(1))
            elif r < 0.48:
                parts.append(self.lst())
            elif r < 0.54:
                parts.append(self.comment() + "\n" + self.text(2))
            elif r < 0.58:
                parts.append(f"{{{{Main|{self.pick(self.info['titles'])}}}}}\n{self.text(2)}")
            elif r < 0.62:
                parts.append(f"<blockquote>{self.text(1)}</blockquote>")
            elif r < 0.66:
                parts.append(f"{self.text(1)} {self.pick(FOREIGN)} {self.text(1)}")
            elif r < 0.69:
                parts.append("<div class=\"noprint\">" + self.text(1) + "</div>")
            elif r < 0.72:
                parts.append(f"{self.text(1)}<br />{self.text(1)}")
            else:
                parts.append(self.text(self.r.randrange(2, 5)))
        return "\n\n".join(parts)

    def article(self, title):
        self.ref_names = []
        out = []
        r = self.r.random()
        if r < 0.3:
            out.append("{{Short description|" + self.pick(self.info["words"]) + "}}\n")
        if r < 0.15:
            out.append("__NOTOC__\n")
        if self.r.random() < 0.6:
            out.append(self.infobox())
        if self.r.random() < 0.3:
            out.append(self.file_link() + "\n")
        out.append(f"'''{title}''' ({self.pick(FOREIGN)}) " + self.text(3) + "\n")
        if self.r.random() < 0.5:
            out.append("\n" + self.text(2) + "\n")
        level = 2
        for _ in range(self.r.randrange(2, 5)):
            h = self.pick(self.info["headings"][:4])
            mark = "=" * level
            extra = self.pick(["", "", "", " <!-- anchor -->", "<ref>" + self.pick(self.info['sentences']) + "</ref>"])
            out.append(f"\n{mark} {h}{extra} {mark}\n{self.section_body()}\n")
            level = self.pick([2, 2, 3, 3, 4]) if level < 4 else 2
        out.append(f"\n== {self.info['headings'][5]} ==\n" + self.pick(["{{Reflist}}", "<references />",
                                                                          "{{reflist|30em}}",
                                                                          "<references group=\"note\" />\n{{Reflist}}"]) + "\n")
        out.append(f"\n== {self.info['headings'][4]} ==\n* [https://www.example.org/{self.lang} "
                   f"{self.pick(self.info['words'])}]\n* https://www.example.net/{self.r.randrange(999)}\n"
                   f"* [http://archive.example.com/]\n")
        if self.r.random() < 0.5:
            out.append("\n{{Navbox|title=" + title + "|list1=[[" + self.pick(self.info["titles"]) + "]]}}\n")
        if self.r.random() < 0.4:
            out.append("{{DEFAULTSORT:" + title + "}}\n")
        for _ in range(self.r.randrange(1, 4)):
            sort = self.pick(["", "", "|" + title[0], "| "])
            out.append(f"[[{self.cat_prefix()}:{self.pick(self.info['words']).capitalize()}{sort}]]\n")
        if self.r.random() < 0.3:
            out.append(f"\n[[{self.pick(['en', 'de', 'fr', 'ja'])}:{title}]]\n")
        return "".join(out)


def stress_page(lang, w):
    """One page per language of the rarer constructs, written out in full."""
    i = LANGS[lang]
    t, s, h, wd = i["titles"], i["sentences"], i["headings"], i["words"]
    media = MEDIA_ALIASES[lang] + [i["ns"][6], i["ns"][-2]]
    cats = CAT_ALIASES[lang] + [i["ns"][14]]
    files = "\n".join(f"[[{m}:{IMAGES[k % len(IMAGES)]}|thumb|{wd[k % len(wd)]} [[{t[k % len(t)]}]] "
                      f"[[{t[(k + 1) % len(t)]}|{wd[(k + 2) % len(wd)]}]]]]" for k, m in enumerate(media))
    catlinks = "\n".join(f"[[{c}:{wd[k % len(wd)].capitalize()}]]" for k, c in enumerate(cats))
    page = STRESS
    for key, value in {"T": t, "S": s, "H": h, "W": wd, "M": media, "C": cats}.items():
        for k in range(len(value) - 1, -1, -1):
            page = page.replace(f"@{key}{k}@", value[k])
    return (page.replace("@LANG@", lang).replace("@FILES@", files).replace("@CATS@", catlinks)
            .replace("@FOREIGN@", " ".join(FOREIGN)).replace("@T00@", t[0][0])
            .replace("@IMG0@", IMAGES[0]).replace("@IMG1@", IMAGES[1]).replace("@CLAST@", cats[-1]))


STRESS = r"""{{Infobox person
| name = @T0@
| image = {{#if:{{{image|}}}|{{{image}}}|[[File:Portrait.jpg|220px]]}}
| birth_date = {{birth date and age|1956|3|4|df=y}}
| notes = {{nowrap|{{lang|la|{{small|@W0@}}}}}}
}}
'''@T0@'''&nbsp;&ndash; @S0@<ref name="a">{{cite web|url=https://example.org/@LANG@|title=@T1@}}</ref><ref name="b" /> @S1@<ref>[https://example.org/x @T2@]</ref>
<!-- A comment
over three lines
with [[links]] and {{templates}} -->
@S2@ [[@T3@]]s and [[@T4@|@W1@]]. ''@W2@'' '''@W3@''' '''''@W4@''''' &copy; &#x263A; &#169; &bogus; & &amp;amp;

== @H0@ ==
@FILES@
@S3@ '''@T5@<ref>@S4@</ref><ref>@S5@</ref>''' @S0@

=== @H1@<ref>@S1@</ref> ===
{| class="wikitable"
|+ @W0@
! @W1@ !! @W2@
|-
| @S2@ || [[@T6@]]<ref>@S3@</ref>
|-
| style="background:#eee" | @W3@
| {{flag|@T7@}}
|}
@S4@

<gallery>
File:@IMG0@|@W0@ [[@T0@]]
@M0@:@IMG1@|@W1@
</gallery>

@S5@ <math>\int_0^1 x^2\,dx = \tfrac{1}{3}</math>, <code>x = 1</code> <nowiki>[[not a link]] {{not a template}}</nowiki>.

==== @H2@ ====
* [[@T8@]]
** [[@T9@|@W4@]] &mdash; @S0@
# @S1@
#: @S2@
; @W5@ : @S3@
----
<blockquote>@S4@<br/>@S5@</blockquote>
<pre>  preformatted &amp; {{kept}} text</pre>
{{{1|@W0@}}} {{{2}}}

== @H3@ ==
@S0@ https://www.example.org/@LANG@?a=1&amp;b=2. @S1@ [https://example.com] [https://example.com/2 @W1@].
@FOREIGN@
__NOTOC__ __TOC__

== @H5@ ==
{{Reflist}}

[[de:@T0@]]
@CATS@
[[@C0@:@T0@|@T00@]]
[[:@CLAST@:@W0@]]
"""

# Markup that real pages get wrong or use rarely; each tricky page strings several together.
TRICKY = [
    "l''homme et la femme", "''italique sur\ndeux lignes''", "'''gras ''et italique'' ensemble'''",
    "''''quatre apostrophes''''", "''''''six''''''", "'''''cinq'''''", "'''gras non fermé",
    "''italique non fermé", "l'''article''' d'''exemple'''", "rock 'n' roll",
    "<div>ouvert sans fermeture", "texte</div> en trop", "<br> <br/> <br /> </br> <BR>",
    "<center>centré</center>", "<small>petit", "<span style=\"x\">a</span></span>",
    "{{modèle non fermé", "}} accolades orphelines", "{{{{{quatre}}}}}", "{{a|b={{c|d}}|e}}",
    "{{ \n nom sur ligne \n | x = y }}", "{{#if: {{{1|}}} | oui | non }}", "{{!}} et {{=}}",
    "[[lien non fermé", "[[a|b] demi", "[[a]]b]]", "[[ Espace:Titre]]", "[[a|]]", "[[#Section|ancre]]",
    "[[File:A.jpg|thumb|[[File:B.jpg]] légende]]", "[[Image:C.png|thumb|a [[b|c]] d [[e]]]]",
    "<div>[[File:D.jpg]][[File:E.jpg]]</div>", "'''x<ref>a</ref><ref>b</ref>'''",
    "''y<ref name=\"n1\">c</ref><ref name=\"n1\"/>''", "<REF>majuscule</REF>", "<Ref>mixte</Ref>",
    "<ref>fermé avec espace</ref >", "<references>\n<ref name=\"r\">r</ref>\n</references>",
    "[[Category:Foo|]]", "[[category:bar baz]]", "[[ Category:Espace]]", "[[:Category:Lien]]",
    "[[Category:Foo &amp; Bar]]", "[[Category:''Italique'']]",
    "[[en:Interwiki]] [[:de:Zwischen|Zwischen]]",
    "==Titre collé==", "= Niveau un =", "======= Sept =======", "== Déséquilibré ===",
    "== Titre == texte après", "== Titre <!-- commentaire --> ==", "=== Titre ''italique'' ===",
    "&amp;nbsp; &#0169; &#xFFFFFF; &NotAnEntity; &#; &#x; &Alpha;&beta; &#38;amp;",
    "[http://x.com] [//example.com protocole relatif] [mailto:a@b.c courriel] [news:comp.lang nouvelles]",
    "ftp://ftp.example.org/pub/ http://fr.wikipedia.org/wiki/Foo_(bar), (http://example.com/x).",
    "[http://example.com titre avec [[lien]] et ''style'']", "[http://example.com\nnon fermé]",
    "<!-- jamais fermé", "<nowiki>''pas'' de [[lien]] &amp; entité</nowiki>",
    "<pre>{{pré}} [[formaté]] &lt;x&gt;</pre>", "<syntaxhighlight lang=\"python\">print('x')</syntaxhighlight>",
    "<source lang=\"c\">int x;</source>", "<code>[[code]]</code>", "<math>a<b</math>", "<math>x</MATH>",
    "; terme : définition : suite", "*# mixte\n#* inverse\n:: indent", ";seul\n: déf", "----\n-----\n---",
    "__NOTOC__ texte __TOC__ ____ ___", "__Nope__ __UPPER__",
    "{|\n| cellule\n|}", "{| class=\"wikitable\"\n|+ légende\n! a !! b\n|-\n| style=\"x\" | c || d\n|}",
    "  {| \n| indenté\n|}", "{|\n| non fermé", "* {|\n| dans liste\n|}",
    "{|\n|\n{|\n| imbriqué\n|}\n|}", "<div>\n{|\n| tableau dans div\n|}\n</div>",
    "{{{paramètre|défaut}}} {{{sans}}}", "<gallery>\nFile:X.jpg|''légende''\n</gallery>",
    "<imagemap>\nImage:M.png\n</imagemap>", "<timeline>\nx\n</timeline>", "<score>c d e</score>",
    "<blockquote>\n\n\nbloc\n\n\n\n</blockquote>", "a\n\n\n\n\nb", "<poem>vers un\nvers deux</poem>",
    "<span title=\"{{modèle}}\">attribut</span>", "<div class=\"a\" id='b' data-x=c>attributs</div>",
    "<abbr title=\"x\"unclosed>z</abbr>", "<span \"bizarre\">q</span>", "< espace>", "a < b > c",
    "x<3 et y>2", "<ref name=\"non fermée\">référence jamais fermée", "<ref/>",
    "[[File:F.jpg|alt=texte|légende avec <ref>note</ref>]]",
    "Ελληνικά, 中文, العربية, עברית, हिन्दी, ქართული, Հայերեն",
    "{{lang|ru|Москва}} [[Москва|Moscou]] ''Москва''",
]


def tricky_page(lang, w, k):
    parts = []
    for j in range(10):
        snippet = TRICKY[(k * 7 + j * 13) % len(TRICKY)]
        parts.append(snippet)
        parts.append(w.text(1))
        if j % 3 == 2:
            parts.append("\n\n== " + w.pick(w.info["headings"][:4]) + " ==\n")
        else:
            parts.append(w.pick(["\n", " ", "\n\n", "\n* "]))
    return "".join(parts)


def write_golden(outdir):
    import os
    os.makedirs(outdir, exist_ok=True)
    pid = 1000
    for lang in sorted(LANGS):
        rnd = random.Random("golden-" + lang)
        w = Writer(lang, rnd)
        info = LANGS[lang]
        with open(f"{outdir}/{lang}wiki-20220701-pages-articles.xml", "w", encoding="utf-8") as f:
            f.write(siteinfo(lang, info))
            rev = 1_090_000_000 + pid
            for k, title in enumerate(info["titles"][:11]):
                pid += 1
                text = stress_page(lang, w) if k == 0 else w.article(title)
                f.write(page_xml(title, 0, pid, rev + pid, f"2022-06-{10 + k:02d}T12:{k:02d}:00Z", text))
                if k == 3:  # the pages a dump also holds: other namespaces, a redirect, an empty page
                    pid += 1
                    f.write(page_xml(f"{info['ns'][1]}:{title}", 1, pid, rev + pid, "2022-06-01T00:00:00Z",
                                     "== Talk ==\n" + w.text(2) + " ~~~~"))
                    pid += 1
                    f.write(page_xml(f"{info['ns'][10]}:Infobox {title}", 10, pid, rev + pid,
                                     "2022-06-01T00:00:00Z", "{{{1}}} <noinclude>[[Category:X]]</noinclude>"))
                    pid += 1
                    f.write(page_xml(f"{info['ns'][14]}:{info['words'][0]}", 14, pid, rev + pid,
                                     "2022-06-01T00:00:00Z", w.text(1)))
                    pid += 1
                    f.write(page_xml(f"{info['ns'][6]}:{IMAGES[0]}", 6, pid, rev + pid,
                                     "2022-06-01T00:00:00Z", "== Summary ==\n" + w.text(1)))
                    pid += 1
                    f.write(page_xml(title.upper() + " (redirect)", 0, pid, rev + pid, "2022-06-01T00:00:00Z",
                                     f"#REDIRECT [[{title}]]\n{{{{R from alternative name}}}}", redirect=title))
                    pid += 1
                    f.write(page_xml(title + " (empty)", 0, pid, rev + pid, "2022-06-01T00:00:00Z", ""))
                    pid += 1
                    f.write(page_xml(title + " (templates only)", 0, pid, rev + pid, "2022-06-01T00:00:00Z",
                                     "{{Disambiguation}}\n<!-- nothing else -->\n[[File:X.jpg]]"))
            for k in range(2):  # pages of rare and broken markup
                pid += 1
                title = f"{info['titles'][11]} {k + 1}"
                f.write(page_xml(title, 0, pid, rev + pid, "2022-06-30T09:00:00Z",
                                 tricky_page(lang, w, k + 2 * sorted(LANGS).index(lang))))
            f.write("</mediawiki>\n")


def write_bench(out, mb, lang="en"):
    paragraphs = []
    with open(sys.path[0] + "/../../../shared/data/udhr-dev.tsv", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and len(parts[2]) > 80:
                paragraphs.append(parts[2].replace("{", "(").replace("}", ")").replace("[", "(")
                                  .replace("]", ")").replace("<", "(").replace("'", "’"))
    rnd = random.Random("bench-" + lang)
    w = Writer(lang, rnd, paragraphs)
    info = LANGS[lang]
    target, written, pid = mb * 1_000_000, 0, 0
    with open(out, "w", encoding="utf-8") as f:
        f.write(siteinfo(lang, info))
        while written < target:
            pid += 1
            title = f"{w.pick(info['titles'])} {pid}"
            text = w.article(title)
            written += len(text.encode())
            f.write(page_xml(title, 0, pid, 1_000_000_000 + pid, "2022-06-20T00:00:00Z", text))
        f.write("</mediawiki>\n")
    print(f"{out}: {pid} pages, {written / 1e6:.1f} MB of wikitext")


if __name__ == "__main__":
    if sys.argv[1] == "golden":
        write_golden(sys.argv[2])
    elif sys.argv[1] == "bench":
        write_bench(sys.argv[2], float(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "en")
    else:
        sys.exit(__doc__)
