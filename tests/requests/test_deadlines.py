import datetime

import pytest

from docket.requests.deadlines import add_working_days, is_working_day, working_days_between

D = datetime.date


def test_christmas_and_new_year_are_skipped():
    # Fri 19 Dec 2025 + 5 working days: 22, 23, 24, (25, 26 bank holidays), 29, 30 December.
    assert add_working_days(D(2025, 12, 19), 5) == D(2025, 12, 30)
    # Christmas on a Saturday: the bank holidays move to Monday 27 and Tuesday 28 December 2021.
    assert not is_working_day(D(2021, 12, 27))
    assert not is_working_day(D(2021, 12, 28))
    assert add_working_days(D(2021, 12, 24), 1) == D(2021, 12, 29)
    assert add_working_days(D(2021, 12, 31), 1) == D(2022, 1, 4)  # 3 January 2022 is the substitute day


def test_easter_is_skipped():
    # Good Friday 3 April 2026 and Easter Monday 6 April 2026.
    assert add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)
    assert working_days_between(D(2026, 4, 2), D(2026, 4, 7)) == 1


def test_the_early_may_bank_holiday_is_skipped():
    assert not is_working_day(D(2026, 5, 4))
    assert add_working_days(D(2026, 5, 1), 1) == D(2026, 5, 5)
    # 2020 moved it to Friday 8 May for VE Day.
    assert not is_working_day(D(2020, 5, 8))
    assert is_working_day(D(2020, 5, 4))


def test_twenty_working_days_from_the_example_letter():
    # Sent Tuesday 13 October 2020: 20 working days later, with no bank holiday between, is 10 November.
    assert add_working_days(D(2020, 10, 13), 20) == D(2020, 11, 10)


def test_zero_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(D(2026, 11, 20), 0) == D(2026, 11, 20)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 11, 20), -1)
