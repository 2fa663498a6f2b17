/* The admin's autocomplete boxes (Django's select2 widget) type into a search field, and show
   a combobox, that have no label of their own, so a screen reader announces an unnamed text box (axe: "Form elements
   must have labels"). Each such field is given the label of the select it stands for, also
   when select2 draws the field anew after a choice. */
(function () {
  "use strict";

  function labelFor(field) {
    var container = field.closest(".select2-container");
    var select = container && container.previousElementSibling;
    if (!select || !select.id) {
      return "";
    }
    var label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  function labelSearchFields(root) {
    // The search fields, and the comboboxes (whose own label is the chosen value: none yet on
    // an add form).
    var unnamed = ".select2-search__field:not([aria-label]), " +
      '.select2-selection[role="combobox"]:not([aria-label]), ' +
      '.select2-selection__rendered[role="textbox"]:not([aria-label])';
    root.querySelectorAll(unnamed).forEach(function (field) {
      var text = labelFor(field);
      if (text) {
        field.setAttribute("aria-label", text);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelSearchFields(document);
    new MutationObserver(function () {
      labelSearchFields(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
