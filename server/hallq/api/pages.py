"""The screens: static pages served from the package (or the checkout), and the phone page's short link."""

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from hallq.api.middleware import CSP
from hallq.web import PAGE_DIRS, web_root


class Pages(StaticFiles):
    """Static files that browsers revalidate each time (ETag), so an upgrade is seen at once."""

    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        return response


def mount(app: FastAPI) -> None:
    root = web_root()

    @app.get("/", include_in_schema=False)
    async def index():
        return FileResponse(root / "common" / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/docs", include_in_schema=False)
    async def docs():
        # Swagger UI sets inline styles; everything else stays as strict as on the screens.
        csp = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        headers = {"Cache-Control": "no-cache", "Content-Security-Policy": csp}
        return FileResponse(root / "common" / "docs.html", headers=headers)

    @app.get("/t/{token}", include_in_schema=False)
    async def phone_page(token: str):
        # The page reads its token from the address; the ticket itself comes from the API.
        return FileResponse(root / "kiosk" / "phone.html", headers={"Cache-Control": "no-cache"})

    # The clerk folder holds three screens; StaticFiles maps only folders to index.html.
    @app.get("/clerk/rate", include_in_schema=False)
    async def rating_pad():
        return FileResponse(root / "clerk" / "rate.html", headers={"Cache-Control": "no-cache"})

    @app.get("/clerk/guide", include_in_schema=False)
    async def guide_console():
        return FileResponse(root / "clerk" / "guide.html", headers={"Cache-Control": "no-cache"})

    for name in PAGE_DIRS:
        folder = root / name
        if folder.is_dir():
            app.mount(f"/{name}", Pages(directory=folder, html=True), name=name)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return RedirectResponse("/common/favicon.svg")
