#!/usr/bin/env python3
"""Writes cases.fods: one row per test cash flow, with LibreOffice formulas
for IRR and NPV. Evaluate it with LibreOffice (see README) to get results.csv.
Columns: name, IRR(flows), guess, IRR(flows; guess), NPV(-5%), NPV(0), NPV(8%), NPV(-1.5%), flows...
NPV here is the spreadsheet's NPV over all flows (the first is discounted by one period)."""

cases = [
    ("ordinary", 0.1, [-1000, 300, 400, 500, 200]),
    ("near_zero", 0.1, [-1000, 250, 250, 250, 250.001]),
    ("exact_zero", 0.1, [-1000, 400, 600]),
    ("negative_irr", 0.1, [-1000, 200, 200, 200, 200]),
    ("deep_negative", -0.4, [-1000, 50, 50, 100]),
    ("high_irr", 0.1, [-100, 500, 300]),
    ("no_irr_positive", 0.1, [100, 200, 300]),
    ("no_irr_negative", 0.1, [-100, -200, -300]),
    ("two_irr_low", 0.05, [-100, 230, -132]),
    ("two_irr_high", 0.3, [-100, 230, -132]),
    ("late_costs", -0.86, [-500, 300, 300, 300, -50]),
    ("concession_20y", 0.1,
     [-8000000, -4000000] + [round(900000 * 1.02 ** k, 2) for k in range(17)] + [1500000]),
    ("concession_30y", -0.4,
     [-20000000, -5000000] + [round(1600000 * 1.015 ** k - 200000, 2) for k in range(28)] + [-3000000]),
]

def cell_num(v):
    return f'<table:table-cell office:value-type="float" office:value="{v!r}"/>'

def cell_str(s):
    return f'<table:table-cell office:value-type="string"><text:p>{s}</text:p></table:table-cell>'

def cell_formula(f):
    return f'<table:table-cell table:formula="of:={f}" office:value-type="float" office:value="0"/>'

def col(i):  # 0-based column index to letters
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s

FIRST = 8  # flows start in column I
rows = []
for r, (name, guess, flows) in enumerate(cases, start=1):
    rng = f"[.{col(FIRST)}{r}:.{col(FIRST + len(flows) - 1)}{r}]"
    cells = [cell_str(name), cell_formula(f"IRR({rng})"), cell_num(guess),
             cell_formula(f"IRR({rng};[.C{r}])"),
             cell_formula(f"NPV(-0.05;{rng})"), cell_formula(f"NPV(0;{rng})"),
             cell_formula(f"NPV(0.08;{rng})"), cell_formula(f"NPV(-0.015;{rng})")]
    cells += [cell_num(v) for v in flows]
    rows.append("<table:table-row>" + "".join(cells) + "</table:table-row>")

doc = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:body><office:spreadsheet><table:table table:name="cases">
{chr(10).join(rows)}
</table:table></office:spreadsheet></office:body></office:document>
'''
open("cases.fods", "w").write(doc)
