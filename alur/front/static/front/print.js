// Buttons marked data-print print the page (the CSP allows no inline onclick).
document.addEventListener("click", function (event) {
  "use strict";
  if (event.target.closest("[data-print]")) window.print();
});
