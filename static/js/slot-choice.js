// The page of free times (templates/bookings/consultationrequest_time_form.html) works without
// this script. With it, the time the reader chose is repeated above their details, so that on a
// phone, scrolled down to the form, they still see which time they are booking. Deferred, no
// inline code: the site's Content-Security-Policy allows scripts from the site only.
(() => {
  "use strict";

  const chosen = document.getElementById("chosen-slot");
  const form = chosen?.closest("form");
  if (!form) return;

  const show = (radio) => {
    if (!radio?.checked) return;
    chosen.textContent = `Your time: ${radio.dataset.when}`;
    chosen.hidden = false;
  };

  form.addEventListener("change", (event) => {
    if (event.target.name === "slot") show(event.target);
  });
  show(form.querySelector("input[name='slot']:checked"));
})();
