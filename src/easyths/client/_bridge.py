"""One definition, two methods: how an SDK method written once reaches `Client` and `AsyncClient`.

Why: the two clients used to carry the same thirty-odd method bodies twice, kept in step by hand.
Each method is a plan (see `_plan`): a generator that yields HTTP requests and receives the
replies, with no I/O of its own. `endpoint` makes it a blocking method of `Client` (driven by
httpx.Client) and an `async def` of `AsyncClient` (driven by httpx.AsyncClient). Its `__get__`
overloads hand type checkers and IDEs the method's real parameters on both clients, returning `T`
on the one and a coroutine of `T` on the other; at run time the client classes carry the matching
plain functions (`_install`), so `inspect.signature` and `help()` show the same.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from functools import update_wrapper
from types import MethodType
from typing import Any, ClassVar, Concatenate, Generic, ParamSpec, Self, TypeVar, get_args, get_type_hints, overload

from easyths.client import _plan as p
from easyths.client.events import Event, EventStream

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")


# --- one definition, two methods ----------------------------------------------------------------------


class _Bridge(Generic[P, R]):
    """A method defined once as `fn(self, ...) -> R` (a plan, an event stream) and run by either
    runner. Subclasses only build the two wrappers and declare the types each client sees."""

    _sync: Callable[..., Any]
    _async: Callable[..., Any]

    def __init__(self, fn: Callable[Concatenate[Any, P], R]) -> None:
        self._fn = fn
        self.__doc__ = fn.__doc__

    def _wrap(self, wrapper: Callable[..., Any], returns: Any) -> Callable[..., Any]:
        """The wrapper with `fn`'s name, docstring and signature, and the type the caller gets back."""
        update_wrapper(wrapper, self._fn)
        # inspect (and so IDEs and MCP) read __signature__, which functions do not declare
        wrapper.__signature__ = inspect.signature(self._fn).replace(return_annotation=returns)  # type: ignore[attr-defined]
        return wrapper

    def _returns(self, index: int) -> Any:
        """The value type inside `fn`'s return annotation (Plan[X] → X), for `inspect.signature`."""
        try:
            args = get_args(get_type_hints(self._fn).get("return"))
        except Exception:  # an annotation that cannot be evaluated only costs the runtime view
            return inspect.Signature.empty
        return args[index] if len(args) > index else inspect.Signature.empty

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is not None:
            return MethodType(self._async if obj._is_async else self._sync, obj)
        if owner is not None and issubclass(owner, AsyncRunner):
            return self._async
        if owner is not None and issubclass(owner, SyncRunner):
            return self._sync
        return self


def _install(cls: type[_Runner]) -> None:
    """Put each shared method on a client class as a plain function, its sync or async wrapper.

    Why: Python binds an ordinary function attribute itself, as fast as a hand-written method,
    where `_Bridge.__get__` would run Python code on every `client.buy` lookup. Type checkers do
    not see this and keep reading `endpoint`'s overloads, which describe the same functions. A
    method a subclass defines itself wins, as usual.
    """
    names = {name for klass in cls.__mro__ for name, value in vars(klass).items() if isinstance(value, _Bridge)}
    for name in names:
        found = inspect.getattr_static(cls, name)
        if isinstance(found, _Bridge):
            setattr(cls, name, found._async if cls._is_async else found._sync)


# --- the two runners ----------------------------------------------------------------------------------


class _Runner:
    _is_async: ClassVar[bool]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _install(cls)


class SyncRunner(_Runner):
    """What a blocking client provides: run a plan to its value, iterate an event stream."""

    _is_async = False

    def _drive(self, plan: p.Plan[T]) -> T:
        raise NotImplementedError

    def _stream(self, events: EventStream) -> Iterator[Event]:
        raise NotImplementedError


class AsyncRunner(_Runner):
    """What an asyncio client provides: the same, awaited."""

    _is_async = True

    async def _drive(self, plan: p.Plan[T]) -> T:
        raise NotImplementedError

    def _stream(self, events: EventStream) -> AsyncIterator[Event]:
        raise NotImplementedError


# --- the two kinds of shared method -------------------------------------------------------------------


class endpoint(_Bridge[P, p.Plan[T]]):
    """A plan method: on `Client` it returns `T`, on `AsyncClient` it is an `async def` giving `T`."""

    def __init__(self, plan: Callable[Concatenate[Any, P], p.Plan[T]]) -> None:
        super().__init__(plan)

        def run(runner: SyncRunner, /, *args: Any, **kwargs: Any) -> Any:
            return runner._drive(plan(runner, *args, **kwargs))

        async def run_async(runner: AsyncRunner, /, *args: Any, **kwargs: Any) -> Any:
            return await runner._drive(plan(runner, *args, **kwargs))

        returns = self._returns(2)
        self._sync = self._wrap(run, returns)
        self._async = self._wrap(run_async, returns)

    @overload
    def __get__(self, obj: None, owner: type[AsyncRunner]) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]: ...
    @overload
    def __get__(self, obj: None, owner: type[SyncRunner]) -> Callable[Concatenate[Any, P], T]: ...
    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: AsyncRunner, owner: type | None = None) -> Callable[P, Coroutine[Any, Any, T]]: ...
    @overload
    def __get__(self, obj: SyncRunner, owner: type | None = None) -> Callable[P, T]: ...
    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return super().__get__(obj, owner)


class stream(_Bridge[P, EventStream]):
    """An event-stream method: an `Iterator` on `Client`, an `AsyncIterator` on `AsyncClient`."""

    def __init__(self, fn: Callable[Concatenate[Any, P], EventStream]) -> None:
        super().__init__(fn)

        def iterate(runner: SyncRunner, /, *args: Any, **kwargs: Any) -> Any:
            return runner._stream(fn(runner, *args, **kwargs))

        def iterate_async(runner: AsyncRunner, /, *args: Any, **kwargs: Any) -> Any:
            return runner._stream(fn(runner, *args, **kwargs))

        self._sync = self._wrap(iterate, Iterator[Event])
        self._async = self._wrap(iterate_async, AsyncIterator[Event])

    @overload
    def __get__(self, obj: None, owner: type[AsyncRunner]) -> Callable[Concatenate[Any, P], AsyncIterator[Event]]: ...
    @overload
    def __get__(self, obj: None, owner: type[SyncRunner]) -> Callable[Concatenate[Any, P], Iterator[Event]]: ...
    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: AsyncRunner, owner: type | None = None) -> Callable[P, AsyncIterator[Event]]: ...
    @overload
    def __get__(self, obj: SyncRunner, owner: type | None = None) -> Callable[P, Iterator[Event]]: ...
    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return super().__get__(obj, owner)


__all__ = ["AsyncRunner", "SyncRunner", "endpoint", "stream"]
