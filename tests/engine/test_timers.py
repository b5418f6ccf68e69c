"""Hand-cranked timers fire what is due, in due order, only when told; real ones fire on their own."""

from __future__ import annotations

import threading
import time

from easyths.engine.timers import ManualTimers, ThreadTimers


def test_manual_timers_fire_in_due_order_only_when_the_clock_is_moved() -> None:
    timers, fired = ManualTimers(), []
    timers.call_later(5, lambda: fired.append("5 s"))
    timers.call_later(1, lambda: fired.append("1 s"))
    timers.call_later(1, lambda: fired.append("1 s, asked second"))
    assert fired == [] and timers.pending == 3
    assert timers.advance(1) == 2
    assert fired == ["1 s", "1 s, asked second"] and timers.now == 1
    assert timers.fire_next() and fired[-1] == "5 s" and timers.now == 5
    assert not timers.fire_next()


def test_a_cancelled_timer_never_fires_and_one_set_while_firing_is_run_in_its_turn() -> None:
    timers, fired = ManualTimers(), []
    timers.call_later(1, lambda: fired.append("cancelled")).cancel()
    timers.call_later(2, lambda: timers.call_later(1, lambda: fired.append("set at 2, due 3")))
    assert timers.pending == 1
    assert timers.advance(10) == 2
    assert fired == ["set at 2, due 3"] and timers.now == 10


def test_thread_timers_run_the_function_on_another_thread() -> None:
    ran = threading.Event()
    callers: list[threading.Thread] = []
    ThreadTimers().call_later(0, lambda: (callers.append(threading.current_thread()), ran.set()))
    assert ran.wait(5)
    assert callers != [threading.current_thread()]


def test_manual_time_is_the_clock_it_fires_by_and_timers_may_be_asked_for_from_any_thread() -> None:
    timers, fired = ManualTimers(), []
    asker = threading.Thread(target=lambda: timers.call_later(3, lambda: fired.append(timers.monotonic())))
    asker.start()
    asker.join(5)
    assert timers.monotonic() == 0 and timers.pending == 1
    assert timers.advance(2) == 0 and timers.monotonic() == 2
    assert timers.advance(2) == 1 and fired == [3] and timers.monotonic() == 4  # ran at its due time


def test_thread_timers_count_on_the_monotonic_clock() -> None:
    before = time.monotonic()
    assert before <= ThreadTimers().monotonic() <= time.monotonic()
