// The OpenAPI page, from vendored Swagger UI: a hall's network may have no internet.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true,
});
