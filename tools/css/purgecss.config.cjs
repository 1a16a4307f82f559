// Which of Bootstrap's rules the site keeps: those whose selectors appear in our templates,
// in crispy-bootstrap5's form templates, or in the Python that builds HTML. `make css` runs it.
const path = require("path");
const root = path.resolve(__dirname, "../..");
const { DJANGO_FORMS, CRISPY_FORMS, CRISPY_TEMPLATES, BOOTSTRAP_CSS } = process.env;

module.exports = {
  css: [BOOTSTRAP_CSS],
  content: [
    `${root}/templates/**/*.html`,
    `${root}/articles/**/*.py`,
    `${root}/bookings/**/*.py`,
    `${root}/unity_site/**/*.py`,
    `${CRISPY_TEMPLATES}/**/*.html`,
    `${CRISPY_FORMS}/**/*.py`,
    // Django's widgets name the input types (radio, checkbox) that Bootstrap styles.
    `${DJANGO_FORMS}/widgets.py`,
  ],
  // Classes that code adds by name at run time.
  safelist: { standard: [/^alert-/, /^is-(in)?valid$/, /^was-validated$/] },
  variables: true,
  keyframes: true,
  fontFace: true,
};
