"""Hand-cranked timers fire what is due, in due order, only when told; real ones fire on their own."""

from __future__ import annotations

import threading

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
