#!/usr/bin/env python3
"""Renders the bundled service icons from simple-icons (CC0, https://simpleicons.org).

Usage: cd /tmp && npm pack simple-icons && mkdir si && tar xzf simple-icons-*.tgz -C si
       mkdir /tmp/rsvg && (cd /tmp/rsvg && npm install @resvg/resvg-js)
       NODE_PATH=/tmp/rsvg/node_modules python3 assets/icons/services/render.py /tmp/si/package

Each icon is the brand glyph in the brand colour, 40 px, centred on a 64 px round plate
(white, or dark for a light brand colour), written as a PNG next to this script, and
table.rs lists them with the names an issuer is matched by (src/icon.rs). Needs Node with
resvg-js (svg-to-png.js: ImageMagick's own SVG reader cannot parse simple-icons' compact
paths) and ImageMagick for the plate.
Pre-rendered and committed, so the build needs no SVG renderer (resvg and its fonts/text
stack would add compile time and ~1 MB for ~70 small pictures).
"""
import json, os, re, subprocess, sys, tempfile, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
# Admin consoles and common SaaS first, then consumer services an admin's users bring, then
# Japanese services simple-icons carries. Microsoft, AWS, Salesforce, Slack and LinkedIn are
# not in simple-icons (removed at the owners' request): those issuers get the letter avatar.
SLUGS = """google googlecloud gmail github gitlab bitbucket atlassian jira confluence cloudflare okta
auth0 zoom dropbox box digitalocean vercel netlify docker npm hashicorp terraform grafana
sentry datadog pagerduty elastic mongodb snowflake databricks fortinet paloaltonetworks cisco
vmware sap trendmicro bitdefender kaspersky bitwarden 1password lastpass proton protonmail
hubspot zendesk notion figma mailchimp stripe paypal shopify wordpress godaddy namecheap
hetzner ovh akamai fastly tailscale jetbrains apple facebook meta instagram x discord reddit
twitch steam epicgames playstation coinbase binance line rakuten""".split()
# Extra names an issuer may use for a slug.
EXTRA = {"google": ["google workspace", "g suite", "gsuite"], "x": ["twitter"],
         "protonmail": ["proton mail"], "meta": ["meta for business"],
         "playstation": ["playstation network", "psn"], "line": ["line corporation"]}

def norm(text):
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^0-9a-z\u3040-\u30ff\u4e00-\u9fff]", "", text)

def luminance(hex_colour):
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b

def main(package):
    data = json.load(open(os.path.join(package, "data", "simple-icons.json")))
    icons = data["icons"] if isinstance(data, dict) else data
    by_slug = {i.get("slug") or norm(i["title"]): i for i in icons}
    rows = []
    for slug in SLUGS:
        info = by_slug[slug]
        svg = open(os.path.join(package, "icons", slug + ".svg")).read()
        colour = info["hex"]
        plate = "#ffffff" if luminance(colour) < 0.75 else "#24292f"
        svg = svg.replace("<svg ", f'<svg fill="#{colour}" ', 1)
        with tempfile.TemporaryDirectory() as tmp:
            glyph = os.path.join(tmp, "glyph.png")
            src = os.path.join(tmp, "icon.svg")
            open(src, "w").write(svg)
            subprocess.run(["node", os.path.join(HERE, "svg-to-png.js"), src, glyph, "36"],
                           check=True)
            subprocess.run(["convert", "-size", "64x64", "xc:none", "-fill", plate,
                            "-stroke", "#d0d7de", "-strokewidth", "1",
                            "-draw", "circle 32,32 32,1", glyph, "-gravity", "center",
                            "-composite", "-strip", "-define", "png:compression-level=9",
                            os.path.join(HERE, slug + ".png")], check=True)
        names = {norm(info["title"]), slug}
        aka = (info.get("aliases") or {}).get("aka", [])
        names.update(norm(a) for a in aka + EXTRA.get(slug, []))
        names.discard("")
        rows.append((slug, info["title"], sorted(names)))
    with open(os.path.join(HERE, "table.rs"), "w") as out:
        out.write("// Written by render.py: slug, title, the names an issuer matches (folded, letters and\n")
        out.write("// digits only) and the 64x64 PNG.\n[\n")
        for slug, title, names in rows:
            quoted = ", ".join(json.dumps(n, ensure_ascii=False) for n in names)
            out.write(f'    ({json.dumps(slug)}, {json.dumps(title, ensure_ascii=False)}, &[{quoted}], '
                      f'include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/icons/services/{slug}.png"))),\n')
        out.write("]\n")

main(sys.argv[1])
