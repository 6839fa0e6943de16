"""python -m minzheng_fakesvc migrate | seed-demo | serve --host H --port P."""

from __future__ import annotations

import argparse
import asyncio
import json
import os

import asyncpg
import nats

DB = os.environ["FAKESVC_DATABASE_URL"]
NATS = os.environ["FAKESVC_NATS_URL"]


async def migrate() -> None:
    conn = await asyncpg.connect(DB)
    await conn.execute("CREATE TABLE IF NOT EXISTS demo (id int PRIMARY KEY, note text)")
    await conn.close()


async def seed() -> None:
    conn = await asyncpg.connect(DB)
    await conn.execute("INSERT INTO demo VALUES (1, 'seeded') ON CONFLICT DO NOTHING")
    await conn.close()


async def serve(host: str, port: int) -> None:
    nc = await nats.connect(NATS, inbox_prefix="_INBOX_fakesvc")  # the only replies it may see
    ack = await nc.jetstream().publish("fakesvc.service.started", b"{}")
    conn = await asyncpg.connect(DB)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readline()
        rows = await conn.fetchval("SELECT count(*) FROM demo")
        body = json.dumps(
            {"service": os.environ["SERVICE_NAME"], "rows": rows, "stream": ack.stream, "pid": os.getpid()}
        ).encode()
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, host, port)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate")
    sub.add_parser("seed-demo")
    serve_parser = sub.add_parser("serve")
    serve_parser.add_argument("--host", required=True)
    serve_parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if args.command == "migrate":
        asyncio.run(migrate())
    elif args.command == "seed-demo":
        asyncio.run(seed())
    else:
        asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
