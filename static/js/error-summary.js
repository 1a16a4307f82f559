// The GOV.UK error-summary pattern (docs/architecture.md, "Accessibility"). After a failed send
// focus moves to the summary, so that screen readers announce it; a link in the summary focuses
// its field and shows the question above it, not just the field at the top of the window.
// Loaded, deferred, only on pages that show the summary.
(() => {
  "use strict";

  const summary = document.getElementById("error-summary");
  if (!summary) return;

  summary.focus({ preventScroll: true });
  summary.scrollIntoView({ block: "nearest" });

  // What to show above a field: its group's legend, for a radio or checkbox in a fieldset, if
  // the legend and the field fit in the window together; otherwise the field's own label.
  const questionFor = (field) => {
    const legend = field.closest("fieldset")?.querySelector("legend");
    if (legend) {
      const fits =
        field.getBoundingClientRect().bottom - legend.getBoundingClientRect().top <
        window.innerHeight;
      if (fits) return legend;
    }
    return field.labels?.[0] ?? null;
  };

  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    const question = field && questionFor(field);
    if (!question) return; // A link to something else, e.g. the form: the browser's jump.

    event.preventDefault();
    if (window.location.hash !== link.hash) window.history.pushState(null, "", link.hash);
    question.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
