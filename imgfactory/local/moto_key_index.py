"""moto's DynamoDB queries read only the items of the key they ask for, as DynamoDB does.

moto's `Table.query` lists and sorts every item of the table for each query: a query on a global
secondary index checks each item's index key, and a base-table query keeps the items of its hash
key out of the whole list. So a local stack that had run many jobs got slower on every list page,
every batch's image query, every log page and every queue read. Here a query is handed only its
candidates: for the base table, the items of the queried hash key (moto keeps items in a dict by
hash key already); for a global secondary index, the items whose index hash attribute has the
queried value, from a map that every write moto applies keeps up to date (under the lock that
makes writes atomic, `moto_fixes`). moto's own code still does the rest: key conditions, sort,
paging, filters, projections. Installed by `moto_fixes.install` for the local stack only.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_hint = threading.local()  # (table, candidate items) for the query running on this thread
MAP = "_imgf_index_map"  # {index name: {hash value: {primary key: item}}}
ENTRIES = "_imgf_index_entries"  # {primary key: {index name: hash value}}


def install(lock: threading.RLock) -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    all_items, query = Table.all_items, Table.query

    def hinted_all_items(self: Any) -> Any:
        hint = getattr(_hint, "value", None)
        if hint is not None and hint[0] is self:
            return hint[1]
        return all_items(self)

    @functools.wraps(query)
    def keyed_query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        found = candidates(self, hash_key, index_name, kwargs.get("hash_key_conditions"), lock)
        if found is None:
            return query(self, hash_key, *args, **kwargs)
        _hint.value = (self, found)
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            _hint.value = None

    Table.all_items = hinted_all_items  # type: ignore[method-assign]
    Table.query = keyed_query  # type: ignore[method-assign]
    for name, key_of in (("put_item", _put_key), ("update_item", _given_key), ("delete_item", _given_key)):
        setattr(DynamoDBBackend, name, _reindexing(getattr(DynamoDBBackend, name), key_of, lock))


def candidates(
    table: Any, hash_key: Any, index_name: str | None, hash_conditions: Any, lock: threading.RLock
) -> list[Any] | None:
    """The items a query can match, or None when moto must look at every item."""
    if not index_name:
        if hash_key is None:
            return None
        with lock:
            if table.range_key_attr:
                return _sorted(list(table.items.get(hash_key, {}).values()))
            item = table.items.get(hash_key)
            return [item] if item is not None else []
    index = next((i for i in table.global_indexes or [] if i.name == index_name), None)
    hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"] if index else []
    wanted = dict(hash_conditions or [])
    if len(hashes) != 1 or hashes[0] not in wanted:
        return None
    with lock:
        _ensure_map(table)
        return _sorted(list(getattr(table, MAP).get(index_name, {}).get(wanted[hashes[0]], {}).values()))


def _sorted(items: list[Any]) -> list[Any]:
    """In the order moto's `all_items` gives them."""
    return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)


def _ensure_map(table: Any) -> None:
    if MAP in table.__dict__:
        return
    setattr(table, MAP, {})
    setattr(table, ENTRIES, {})
    for hash_set in list(table.items.values()):
        for item in hash_set.values() if table.range_key_attr else [hash_set]:
            _add(table, (item.hash_key, item.range_key), item)


def _add(table: Any, key: tuple[Any, Any], item: Any) -> None:
    entries: dict[str, Any] = {}
    for index in table.global_indexes or []:
        hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
        value = item.attrs.get(hashes[0]) if len(hashes) == 1 else None
        if value is not None:
            getattr(table, MAP).setdefault(index.name, {}).setdefault(value, {})[key] = item
            entries[index.name] = value
    if entries:
        getattr(table, ENTRIES)[key] = entries


def reindex(table: Any, key: tuple[Any, Any]) -> None:
    """Put the item at `key` (as it is now, or gone) where it belongs in the map."""
    if MAP not in table.__dict__:
        return  # built from the items as they are when a query first needs it
    index_map = getattr(table, MAP)
    for index_name, value in getattr(table, ENTRIES).pop(key, {}).items():
        partition = index_map.get(index_name, {})
        partition.get(value, {}).pop(key, None)
        if not partition.get(value, True):
            partition.pop(value, None)
    try:
        item = table.get_item(*key)
    except Exception:  # noqa: BLE001 - no such key shape: nothing to index
        item = None
    if item is not None:
        _add(table, key, item)


def _put_key(backend: Any, table: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    attrs = kwargs.get("item_attrs", args[1] if len(args) > 1 else {})
    return {k: attrs[k] for k in (table.hash_key_attr, table.range_key_attr) if k and k in attrs}


def _given_key(backend: Any, table: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    return dict(kwargs.get("key", args[1] if len(args) > 1 else {}))


def _reindexing(method: Any, key_of: Any, lock: threading.RLock) -> Any:
    @functools.wraps(method)
    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            try:
                return method(self, *args, **kwargs)
            finally:
                try:
                    table = self.get_table(kwargs.get("table_name", args[0] if args else None))
                    key = self.get_keys_value(table, key_of(self, table, args, kwargs))
                except Exception:  # noqa: BLE001 - moto refused the request: nothing was written
                    pass
                else:
                    reindex(table, key)

    return write
