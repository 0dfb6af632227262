// Starts Swagger UI on the API's documentation page (/api/docs). It lives in a file, not
// in the page, so the app's Content-Security-Policy (scripts from this site only) allows it.
"use strict";

window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
