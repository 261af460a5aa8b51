"""Both proxies in deploy/ refuse a compressed request body with 415 before it reaches the web
service, which refuses it too (bot/web/app.py): Caddy (compose) and the Kubernetes Ingress
(ingress-nginx). The Ingress's rule is run in a real nginx when one is installed: a compressed
body gets 415 and never reaches the upstream, an ordinary one is passed on."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import zlib

import aiohttp
import pytest
import yaml
from aiohttp import web

from bot.config import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
SNIPPET = "nginx.ingress.kubernetes.io/configuration-snippet"


def ingress() -> dict:
    documents = yaml.safe_load_all((DEPLOY / "k8s" / "web.yaml").read_text(encoding="utf-8"))
    return next(d for d in documents if d and d["kind"] == "Ingress")


def test_caddy_refuses_compressed_bodies_before_proxying():
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert "@compressed header Content-Encoding *" in caddyfile
    assert caddyfile.index("respond @compressed 415") < caddyfile.index("reverse_proxy")


def test_the_ingress_refuses_compressed_bodies():
    snippet = ingress()["metadata"].get("annotations", {}).get(SNIPPET, "")
    assert "$http_content_encoding" in snippet and "return 415" in snippet


@pytest.fixture
async def upstream(aiohttp_server):
    """Stands in for the web service: counts what reaches it."""
    received: list[str] = []

    async def anything(request: web.Request) -> web.Response:
        received.append(request.headers.get("Content-Encoding", ""))
        return web.json_response({"body": len(await request.read())})

    app = web.Application(handler_args={"auto_decompress": False})
    app.router.add_route("*", "/{tail:.*}", anything)
    server = await aiohttp_server(app)
    server.received = received
    return server


@pytest.fixture
def nginx(tmp_path, upstream):
    """A real nginx with the Ingress's snippet in its location, proxying to `upstream`. It inherits
    its listening socket from this process (nginx's NGINX variable), so connections made before it
    accepts wait in the socket's backlog instead of being refused."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if binary is None:
        pytest.skip("nginx is not installed: the Ingress rule is checked by reading it only")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.set_inheritable(True)
    port = listener.getsockname()[1]
    (tmp_path / "nginx.conf").write_text(
        f"""
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log;
        events {{}}
        http {{
            access_log off;
            client_body_buffer_size 1m;  # bodies stay in memory: workers may not write to tmp_path
            client_body_temp_path {tmp_path};
            proxy_temp_path {tmp_path};
            server {{
                listen 127.0.0.1:{port};
                location / {{
                    {ingress()["metadata"]["annotations"][SNIPPET]}
                    proxy_pass http://127.0.0.1:{upstream.port};
                }}
            }}
        }}
    """,
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        env={**os.environ, "NGINX": f"{listener.fileno()};"},
        pass_fds=[listener.fileno()],
    )
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    listener.close()


@pytest.mark.parametrize("encoding", ["deflate", "gzip", "br", "identity"])
async def test_nginx_with_the_ingress_rule_refuses_compressed_bodies(nginx, upstream, encoding):
    bomb = zlib.compress(b"\0" * (50 * 1024 * 1024), 9)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{nginx}/api/messages", data=bomb, headers={"Content-Encoding": encoding}) as refused:
            assert refused.status == 415
        async with http.post(f"{nginx}/api/messages", data=b'{"message": "hei"}') as passed:
            assert passed.status == 200 and await passed.json() == {"body": 18}
    assert upstream.received == [""]  # only the uncompressed request got through
