// Draws the report's charts once the page's content is on screen. plotly.js sits at the end
// of the page as inert text (script type text/plain), so neither reading nor running it holds
// up the first paint; after that paint it is run once, and each chart is drawn in its own task
// from its spec (script.chart-spec: JSON data and layout), so the page stays responsive.
(() => {
  "use strict";
  const config = { displaylogo: false, responsive: true };
  const specs = Array.from(document.querySelectorAll("script.chart-spec"));
  const draw = (i) => {
    if (i >= specs.length) return;
    const spec = JSON.parse(specs[i].textContent);
    window.Plotly.newPlot(specs[i].dataset.chart, spec.data, spec.layout, config);
    setTimeout(() => draw(i + 1), 0);
  };
  const start = () => {
    const source = document.getElementById("plotly-js");
    if (!window.Plotly && source) {
      const run = document.createElement("script");
      run.text = source.textContent;
      source.remove(); // plotly.js is then held once, by the script that ran it
      document.head.appendChild(run);
    }
    if (window.Plotly) draw(0);
  };
  // The next frame is the first paint; the task after it runs plotly.js.
  if (specs.length) requestAnimationFrame(() => setTimeout(start, 0));
})();
