"""The fast lane answers its routes itself, with the app's own error handling, and passes the rest on."""

from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient

from hallq.api.app import _install_error_handlers
from hallq.api.fastlane import FastLane
from hallq.errors import NotFound


def lane_app() -> tuple[FastAPI, list[str]]:
    app = FastAPI()
    _install_error_handlers(app)
    routed: list[str] = []

    async def shout(hall: str, request: Request) -> Response:
        if hall == "nowhere":
            raise NotFound("no hall 'nowhere'", code="unknown_hall")
        if hall == "broken":
            raise RuntimeError("a bug")
        return Response(f"{hall}:{(await request.body()).decode()}", status_code=201)

    @app.post("/halls/{hall}/shout")
    async def routed_shout(hall: str, request: Request) -> Response:
        routed.append(hall)
        return await shout(hall, request)

    @app.get("/halls/{hall}")
    async def hall_page(hall: str):
        routed.append(hall)
        return {"hall": hall}

    app.add_middleware(FastLane, owner=app, routes=[("POST", "/halls/{hall}/shout", shout)])
    return app, routed


def test_a_lane_route_is_answered_without_the_router():
    app, routed = lane_app()
    with TestClient(app) as client:
        response = client.post("/halls/main/shout", content=b"hello")
    assert response.status_code == 201 and response.text == "main:hello"
    assert routed == []


def test_other_methods_and_paths_go_to_the_router():
    app, routed = lane_app()
    with TestClient(app) as client:
        assert client.get("/halls/main").json() == {"hall": "main"}
        assert client.get("/halls/main/shout").status_code == 405
        assert client.post("/halls/main/shout/more").status_code == 404
    assert routed == ["main"]


def test_errors_get_the_apps_own_answers():
    app, _ = lane_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        missing = client.post("/halls/nowhere/shout")
        assert missing.status_code == 404 and missing.json() == {
            "detail": "no hall 'nowhere'",
            "code": "unknown_hall",
        }
        assert client.post("/halls/broken/shout").status_code == 500
