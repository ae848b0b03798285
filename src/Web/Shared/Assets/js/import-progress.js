// Follows a catalog import on the seller console's catalog page: while it is queued or running, asks the page for its
// status every second and moves the progress bar; when it ends, loads the page again to show the outcome.
(() => {
    "use strict";
    const panel = document.querySelector("[data-import-status]");
    if (!panel || panel.dataset.finished === "true") {
        return;
    }

    const bar = panel.querySelector("progress");
    const text = panel.querySelector("[data-progress-text]");
    async function poll() {
        try {
            const response = await fetch(panel.dataset.importStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" });
            if (response.ok) {
                const status = await response.json();
                if (status.finished) {
                    window.location.reload();
                    return;
                }

                bar.max = Math.max(status.total, 1);
                bar.value = status.processed;
                text.textContent = `${status.processed} / ${status.total}`;
            }
        } catch {
            // A network blip: the next poll tries again.
        }

        setTimeout(poll, 1000);
    }

    setTimeout(poll, 1000);
})();
