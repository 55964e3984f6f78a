// "Add a row" for inline formsets: clones the empty form kept in a <template>.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-add-row]");
  if (!button) return;
  var prefix = button.getAttribute("data-add-row");
  var template = document.getElementById("empty-" + prefix);
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var index = parseInt(total.value, 10);
  var html = template.innerHTML.replace(/__prefix__/g, String(index));
  var body = document.querySelector("[data-testid='formset-" + prefix + "'] tbody");
  body.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  var first = body.lastElementChild.querySelector("input:not([type=hidden]), select");
  if (first) first.focus();
});
