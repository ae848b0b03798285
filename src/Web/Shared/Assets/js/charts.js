// Draws the report charts of a page with Chart.js. Each <canvas data-chart="id"> names a JSON script element holding
// {kind, labels, series: [{label, values, axis}], secondAxis}; the page shows the same figures in a table next to it.
(() => {
    "use strict";
    const palette = ["#2f6f4f", "#c0792b", "#3b5ba5", "#8a3b6e"];

    function config(data) {
        const funnel = data.kind === "funnel";
        const datasets = data.series.map((s, i) => ({
            label: s.label,
            data: s.values,
            yAxisID: funnel ? undefined : s.axis,
            // The second series of a time chart is a line over the bars.
            type: !funnel && i > 0 ? "line" : "bar",
            backgroundColor: palette[i % palette.length],
            borderColor: palette[i % palette.length],
            tension: 0.2,
        }));
        const scales = funnel
            ? { x: { beginAtZero: true, ticks: { precision: 0 } } }
            : { y: { beginAtZero: true, position: "left" } };
        if (!funnel && data.secondAxis) {
            scales.y2 = { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 }, title: { display: true, text: data.secondAxis } };
        }

        return {
            type: "bar",
            data: { labels: data.labels, datasets },
            options: {
                indexAxis: funnel ? "y" : "x",
                responsive: true,
                maintainAspectRatio: false,
                animation: false,
                scales,
                plugins: { legend: { display: !funnel } },
            },
        };
    }

    function draw() {
        if (typeof Chart === "undefined") {
            return;
        }

        for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
            const source = document.getElementById(canvas.dataset.chart);
            if (!source) {
                continue;
            }

            const chart = new Chart(canvas, config(JSON.parse(source.textContent)));
            canvas.dataset.drawn = String(chart.data.labels.length);
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", draw);
    } else {
        draw();
    }
})();
