"""DynamoDB write units as AWS bills them, metered where the local stack's moto server applies
each write (bench 3 prices them; nothing here runs outside the benches).

Counting requests is not enough: a write costs one unit per KB of the larger of the item before
and after it, and again in every global secondary index whose projection it changes (a put when
the item enters the index, a delete when it leaves, both when its index key moves), twice inside
a transaction. moto keeps the items in this process, so each write is sized from the item itself
before and after (`chalicelib.costmodel.write_units`, `index_write_units`).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

from chalicelib import costmodel

# (table, where) → write units; `where` is "table" or the index's name.
WRITE_UNITS: Counter[tuple[str, str]] = Counter()
# Sizing every write costs CPU inside the stack being measured: only the benches that price
# writes turn it on (`common.start_stack(metered=True)`).
ENABLED = False
_lock = threading.RLock()
_in_transaction = threading.local()
_installed = False


def reset() -> None:
    with _lock:
        WRITE_UNITS.clear()


def short_name(table_name: str) -> str:
    """`imgfactory-bench123-jobs` → `jobs`."""
    return table_name.rsplit("-", 1)[-1]


def install() -> None:
    """Meter every write moto applies (once per process)."""
    global _installed
    if _installed:
        return
    from moto.dynamodb.models import DynamoDBBackend

    for name, key_of in (
        ("put_item", _put_key),
        ("update_item", _given_key),
        ("delete_item", _given_key),
    ):
        setattr(DynamoDBBackend, name, _metered(getattr(DynamoDBBackend, name), key_of))
    DynamoDBBackend.transact_write_items = _transaction(DynamoDBBackend.transact_write_items)  # type: ignore[method-assign]
    _installed = True


def _put_key(table: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    attrs = kwargs.get("item_attrs", args[1] if len(args) > 1 else {})
    return {k: attrs[k] for k in (table.hash_key_attr, table.range_key_attr) if k and k in attrs}


def _given_key(table: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    return dict(kwargs.get("key", args[1] if len(args) > 1 else {}))


def _metered(method: Any, key_of: Any) -> Any:
    def metered(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not ENABLED:
            return method(self, *args, **kwargs)
        table_name = kwargs.get("table_name", args[0] if args else None)
        try:
            table = self.get_table(table_name)
            key = key_of(table, args, kwargs)
        except Exception:  # noqa: BLE001 - moto raises its own error for the request below
            return method(self, *args, **kwargs)
        with _lock:
            before = _state(self, table, key)
            try:
                result = method(self, *args, **kwargs)
            except Exception:
                _record(table, before, before, condition_failed=True)
                raise
            _record(table, before, _state(self, table, key))
            return result

    return metered


def _transaction(method: Any) -> Any:
    def metered(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        if not ENABLED:
            return method(self, transact_items)
        with _lock:
            _in_transaction.active = True
            try:
                for entry in transact_items:  # a condition check costs the write it guards
                    check = entry.get("ConditionCheck")
                    if check:
                        table = self.get_table(check["TableName"])
                        state = _state(self, table, check["Key"])
                        size = state[0] if state else None
                        WRITE_UNITS[(short_name(table.name), "table")] += costmodel.write_units(
                            size, None, transactional=True
                        )
                return method(self, transact_items)
            finally:
                _in_transaction.active = False

    return metered


State = tuple[int, dict[str, costmodel.IndexEntry]]


def _state(backend: Any, table: Any, key: dict[str, Any]) -> State | None:
    """The item's size and its entry in each global index, or None when there is no item."""
    try:
        hash_value, range_value = backend.get_keys_value(table, key)
        item = table.get_item(hash_value, range_value)
    except Exception:  # noqa: BLE001 - a malformed key: moto answers the request with its error
        return None
    if item is None:
        return None
    entries: dict[str, costmodel.IndexEntry] = {}
    for index in table.global_indexes or []:
        if all(name in item.attrs for name in index.schema_key_attrs):
            projected = index.project(item)
            content = json.dumps(
                {k: v.to_json() for k, v in projected.attrs.items()}, sort_keys=True, default=str
            )
            key_value = tuple(
                json.dumps(item.attrs[n].to_json(), default=str) for n in index.schema_key_attrs
            )
            entries[index.name] = (key_value, projected.size(), content)
    return item.size(), entries


def _record(table: Any, before: State | None, after: State | None, *, condition_failed: bool = False) -> None:
    name = short_name(table.name)
    transactional = bool(getattr(_in_transaction, "active", False))
    before_size = before[0] if before else None
    after_size = after[0] if after else None
    WRITE_UNITS[(name, "table")] += costmodel.write_units(
        before_size, after_size, transactional=transactional
    )
    if condition_failed:
        return
    for index in table.global_indexes or []:
        units = costmodel.index_write_units(
            (before[1] if before else {}).get(index.name), (after[1] if after else {}).get(index.name)
        )
        if units:
            WRITE_UNITS[(name, index.name)] += units * (2 if transactional else 1)
