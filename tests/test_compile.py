"""Compiled rule objects of the shipped agreements: inheritance, rule sets, defaults made
explicit, dated values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from paycalc.rules.compiled import ALWAYS, Dated, Money
from paycalc.rules.dates import MonthDay
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.spec.compile import compile_agreement


@pytest.fixture(scope="module")
def retail():
    return compile_agreement(AGREEMENTS_DIR / "retail.yaml")


@pytest.fixture(scope="module")
def part_time():
    return compile_agreement(AGREEMENTS_DIR / "retail_part_time.yaml")


def test_rule_sets_are_merged_in_with_their_source(retail) -> None:
    assert retail.time_zone == "Europe/Stockholm"  # from rules/se_holidays.yaml
    assert retail.time_rules.holidays.categories == ("public", "de_facto")
    night = next(s for s in retail.time_rules.supplements if s.code == "night")
    assert (night.start_seconds, night.end_seconds, night.crosses_midnight) == (79200, 21600, True)
    assert night.source.file.endswith("se_ob_supplements.yaml")
    assert retail.files[0].endswith("retail.yaml")
    assert {f.rsplit("/", 1)[-1] for f in retail.files[1:]} == {
        "se_holidays.yaml", "se_ob_supplements.yaml", "toil.yaml"}


def test_vacation_tracker_has_every_default_explicit(retail) -> None:
    vac = retail.tracker("VAC")
    assert vac.periodised and vac.year_start == MonthDay(4, 1)
    assert vac.deduction_order == "oldest_first"
    assert vac.save_up_to == 5 and vac.expire_after_years == 5
    assert vac.max_accrual_per_year == Dated.always(Decimal(25))
    assert (vac.balance_as_of, vac.balance_month_day) == ("next_occurrence", MonthDay(3, 31))
    assert vac.type == "holiday" and vac.show_on_time_card is True and vac.max is None
    flex = retail.tracker("FLEX")
    assert flex.deduction_order == "current_year" and flex.max_accrual_per_year.at(
        dt.date(2030, 1, 1)) == 0


def test_flextime_reset_keeps_up_to_40_hours(retail) -> None:
    reset = retail.link("flex_year_end")
    assert (reset.operator, reset.driver.kind) == ("set", "tracking_year_start")
    assert reset.carry_over_up_to == Dated.always(Decimal(40))
    assert reset.factor == Dated.always(Decimal(0)) and not reset.multiply_by_driver_value


def test_blank_level_factor_means_no_transaction(retail) -> None:
    levels = retail.link("long_service").levels
    assert levels is not None and levels.regulator == "employment_years"
    assert [lv.threshold.at(ALWAYS) for lv in levels.table] == [0, 3, 5]
    assert [lv.factor and lv.factor.at(ALWAYS) for lv in levels.table] == [None, 1, 2]


def test_child_template_replaces_entries_by_code_and_keeps_the_rest(retail, part_time) -> None:
    grant = part_time.link("vacation_grant")
    assert grant.driver.kind == "monthly_from_agreement_start_year"
    assert (grant.driver.month, grant.driver.day) == (4, 25)
    assert grant.source.file.endswith("retail_part_time.yaml")
    assert part_time.link("flex_year_end") == retail.link("flex_year_end")
    assert part_time.tracker("VAC") == retail.tracker("VAC")
    assert part_time.salary_type("MERTID").pricing.multiplier == Dated.always(Decimal("1.25"))
    # sections merge key by key: the child's overtime replaces daily and weekly, the
    # base's breaks and rounding stay
    assert part_time.time_rules.automatic_breaks == retail.time_rules.automatic_breaks
    steps = part_time.time_rules.daily_overtime.steps
    assert [s.salary_type for s in steps] == ["MERTID", "OT50", "OT100"]
    assert [s.length_seconds and s.length_seconds.at(ALWAYS) for s in steps] == [10800, 7200, None]
    assert part_time.name.endswith("part-time and seasonal staff")


def test_dated_values_hold_from_their_date_until_the_next(part_time) -> None:
    weekly = part_time.time_rules.weekly_overtime.threshold_seconds
    assert weekly.at(dt.date(2026, 3, 31)) == 40 * 3600
    assert weekly.at(dt.date(2026, 4, 1)) == 38 * 3600 + 15 * 60
    with pytest.raises(LookupError):
        weekly.at(dt.date(2024, 12, 31))


def test_pricing_defaults(retail) -> None:
    toil_taken = retail.salary_type("TOIL_TAKEN").pricing
    assert toil_taken.method == "hourly_rate"
    assert toil_taken.multiplier == Dated.always(Decimal(1))
    assert retail.salary_type("VAC").pricing.multiplier is None
    ob = retail.salary_type("OB_HOLIDAY").pricing.per_hour
    assert ob.at(dt.date(2026, 3, 31)) == Decimal("68.50")
    assert ob.at(dt.date(2026, 4, 1)) == Decimal("71.25")
    assert retail.salary_type("OB_EVENING").export_code == "0310"
    assert retail.salary_type("FLEX_TAKEN").export_code == "FLEX_TAKEN"
    assert not retail.salary_type("FLEX_TAKEN").export_code_declared


def test_salary_type_tracker_effects(retail) -> None:
    ot = retail.salary_type("OT100").trackers[0]
    assert (ot.tracker, ot.sign, ot.factor.at(ALWAYS)) == ("TOIL", 1, 2)
    taken = retail.salary_type("TOIL_TAKEN").trackers[0]
    assert (taken.tracker, taken.sign) == ("TOIL", -1)


@pytest.mark.parametrize(
    ("rounding", "amount", "expected"),
    [
        ("half_up", "2.345", "2.35"),
        ("half_even", "2.345", "2.34"),
        ("half_down", "2.345", "2.34"),
        ("up", "2.341", "2.35"),
        ("down", "2.349", "2.34"),
        ("half_up", "-2.345", "-2.35"),
    ],
)
def test_money_is_rounded_once_by_the_declared_rule(rounding, amount, expected) -> None:
    assert Money("SEK", 2, rounding).round(Decimal(amount)) == Decimal(expected)


def test_february_29_falls_on_the_28th_in_common_years() -> None:
    assert MonthDay(2, 29).in_year(2025) == dt.date(2025, 2, 28)
    assert MonthDay(2, 29).in_year(2028) == dt.date(2028, 2, 29)


def test_compiled_objects_are_immutable(retail) -> None:
    with pytest.raises(AttributeError):
        retail.tracker("VAC").periodised = False  # type: ignore[misc]
