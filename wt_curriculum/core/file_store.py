"""Files made by the task queue (report PDFs, job results), readable by every web and consumer process.

A folder in the instance folder by default (files written whole, then renamed, so a reader never sees half
of one), or Redis when `REDIS_URL` is set, so that a PDF made by a consumer on one machine is served by the
web processes of the others. Both are caches: each file expires after `FILE_STORE_SECONDS`, and the folder
keeps at most `FILE_STORE_MAX_FILES`, oldest dropped first. Whoever stores a file knows how to make it again.
"""
from cachelib import FileSystemCache, RedisCache
from cachelib.base import BaseCache
from flask import Flask, current_app

EXTENSION = "wt_file_store"


def make_store(app: Flask) -> BaseCache:
    config = app.config
    seconds = int(config["FILE_STORE_SECONDS"])
    if config.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(config["REDIS_URL"])
        return RedisCache(host=client, key_prefix=f"{config['QUEUE_NAME']}:files:", default_timeout=seconds)
    folder = config.get("FILE_STORE_FOLDER") or f"{app.instance_path}/files"
    return FileSystemCache(folder, threshold=int(config["FILE_STORE_MAX_FILES"]), default_timeout=seconds,
                           mode=0o600)


def store() -> BaseCache:
    app = current_app
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions[EXTENSION] = make_store(app)
    return found


def put(key: str, data: bytes) -> None:
    if not store().set(key, data):
        raise OSError(f"the file store did not keep {key}")


def get(key: str) -> bytes | None:
    """The file's bytes, or None when it was never made or has expired."""
    data = store().get(key)
    return data if isinstance(data, bytes) else None


def delete(key: str) -> None:
    store().delete(key)
