/* Draws every chart of the page from its Vega-Lite spec (a JSON data block next to it).
   Vega's expression interpreter keeps to the Content-Security-Policy (no eval). */
(function () {
  "use strict";

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-spec"));
    if (!source || element.getAttribute("data-drawn") === "true") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    element.setAttribute("data-drawn", "true");
    window.vegaEmbed(element, spec, {
      actions: false,
      renderer: "svg",
      ast: true,
      expr: window.vega.expressionInterpreter
    }).then(function () {
      element.setAttribute("data-rendered", "true");
    }).catch(function (error) {
      element.setAttribute("data-error", String(error));
      element.textContent = element.getAttribute("aria-label") || "";
    });
  }

  function drawAll(root) {
    var elements = (root || document).querySelectorAll(".vega-chart[data-spec]");
    for (var i = 0; i < elements.length; i++) {
      draw(elements[i]);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
