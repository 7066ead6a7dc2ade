// Draws the charts of a report page: each <figure class="chart"> holds a Vega-Lite
// specification as JSON; vega-lite compiles it and vega draws it as SVG in the figure.
(function () {
  "use strict";
  document.querySelectorAll("figure.chart").forEach(function (figure) {
    var spec = JSON.parse(figure.querySelector("script.chart-spec").textContent);
    var target = figure.querySelector(".chart-view");
    var view = new vega.View(vega.parse(vegaLite.compile(spec).spec),
                             {renderer: "svg", container: target, hover: true});
    view.runAsync().then(function () { figure.setAttribute("data-drawn", "yes"); });
  });
})();
