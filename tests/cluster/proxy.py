"""The cluster test's load balancer: a round-robin TCP proxy in front of the web hosts.

python tests/cluster/proxy.py LISTEN_HOST:PORT BACKEND_HOST:PORT [BACKEND_HOST:PORT ...]

Each connection goes to the next backend; one that refuses or does not answer within a
second is skipped for the next (as a load balancer's health check would take a web host
out of rotation while it restarts). Prints one line per backend change of state.
"""

from __future__ import annotations

import asyncio
import itertools
import sys


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


class Proxy:
    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.backends = backends
        self.turn = itertools.cycle(range(len(backends)))
        self.down: set[int] = set()

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        for _ in range(len(self.backends)):
            index = next(self.turn)
            host, port = self.backends[index]
            try:
                streams = await asyncio.wait_for(asyncio.open_connection(host, port), 1)
            except (OSError, TimeoutError):
                if index not in self.down:
                    print(f"backend {host}:{port} down", flush=True)
                self.down.add(index)
                continue
            if index in self.down:
                print(f"backend {host}:{port} up", flush=True)
                self.down.discard(index)
            return streams
        raise ConnectionError("no backend answers")

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            backend_reader, backend_writer = await self.connect()
        except ConnectionError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, backend_writer), pipe(backend_reader, writer))


def address(text: str) -> tuple[str, int]:
    host, port = text.rsplit(":", 1)
    return host, int(port)


async def main(listen: str, backends: list[str]) -> None:
    proxy = Proxy([address(backend) for backend in backends])
    host, port = address(listen)
    server = await asyncio.start_server(proxy.handle, host, port)
    print(f"proxy on {listen} to {', '.join(backends)}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
