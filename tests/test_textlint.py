"""Text and numbers agree (issue 15): `yibao check` warns where a rule's sentence and its numbers differ."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from engine.api import list_rulebooks
from engine.officer.textlint import check_text_numbers, chinese_number, numbers_in

ROOT = Path(__file__).resolve().parent.parent


def yibao(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_numbers_are_read_with_their_units_in_arabic_and_chinese():
    assert numbers_in("暂停医保支付资格 2个月；", "months") == [2]
    assert numbers_in("暂停医保支付资格六个月", "months") == [6]
    assert numbers_in("分别记 1-3 分：", "points") == [1, 2, 3]
    assert numbers_in("累计扣分１２分或连续三年违规扣分９分以上", "points") == [12, 9]  # full-width digits
    assert numbers_in("视情节严重程度1－2年内不再与其重新签订服务协议", "years") == [1, 2]
    assert numbers_in("本细则自 2025年 4月 1日起施行，有效期 3年。", "years") == [3]  # a calendar year is not a count
    assert numbers_in("一次性记满十二分", "points") == [12]


@given(st.integers(min_value=1, max_value=99))
def test_chinese_numerals_below_100(n):
    words = "零一二三四五六七八九"
    text = (("" if n // 10 == 1 else words[n // 10]) + "十" + ("" if n % 10 == 0 else words[n % 10])) if n >= 10 else words[n]
    assert chinese_number(text) == n


@pytest.mark.parametrize("rid", list_rulebooks())
def test_the_rulebooks_text_and_numbers_agree(rid):
    assert [w.one_line() for w in check_text_numbers(rid)] == []


def _edited(tmp_path, old, new):
    text = (ROOT / "rulebooks" / "hainan.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "hainan.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old,new,field", [
    ("      months: 2\n", "      months: 3\n", "months"),                                   # the example
    ('when: "year_total >= 9"', 'when: "year_total >= 8"', "when (year_total >= 8)"),   # a threshold
    ("      ban_years: 3\n", "      ban_years: 5\n", "ban_years"),
    ("      points: 2\n      per_year_points: 4", "      points: 2\n      per_year_points: 5", "per_year_points"),
    ("points: {general: 1, important: 2, primary: 3}", "points: {general: 1, important: 3, primary: 3}",
     "points.important"),
])
def test_yibao_check_warns_when_an_edit_leaves_the_sentence_behind(tmp_path, old, new, field):
    path = _edited(tmp_path, old, new)
    warnings = check_text_numbers(str(path))
    assert [w.field for w in warnings] == [field]
    run = yibao("check", str(path))
    assert run.returncode == 0, run.stderr  # a warning, not an error
    assert "原文与编码数值不一致" in run.stdout and f"{path}:" in run.stdout
    data = json.loads(yibao("check", str(path), "--json").stdout)
    assert data[0]["ok"] and data[0]["text_warnings"][0]["field"] == field


def test_yibao_check_json_lists_errors_with_their_location(tmp_path):
    path = _edited(tmp_path, 'when: "year_total >= 9"', 'when: "year_totl >= 9"')
    run = yibao("check", str(path), "--json")
    assert run.returncode == 2
    data = json.loads(run.stdout)
    assert not data[0]["ok"] and data[0]["errors"][0]["field"].endswith(".when") and data[0]["errors"][0]["line"]


# -- the terminal for officers: tables by display width, colour only in a terminal -----------------------

def test_tables_line_up_by_display_width_not_by_characters():
    from engine.report import display_width, table

    lines = table(["规则集 id", "标题 title"], [["hainan", "海南省细则"], ["inner-mongolia", "内蒙古 x"]])
    starts = {display_width(line[:line.index(cell)]) for line, cell in zip(lines, ["标题", "海南", "内蒙古"])}
    assert len(starts) == 1  # the second column starts at the same screen column on every line
    assert display_width("暂停 ok") == 7 and display_width("\x1b[32mok\x1b[0m") == 2


def test_yibao_list_and_test_print_no_colour_codes_into_a_pipe():
    for args in (("list",), ("test", "weihai"), ("check", "weihai")):
        run = yibao(*args)
        assert run.returncode == 0 and "\x1b[" not in run.stdout, args
    assert "规则集 id" in yibao("list").stdout
