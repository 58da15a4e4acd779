// File fields in Bahasa Indonesia. A browser draws <input type="file"> in its own language
// ("Choose File / No file chosen"); here each one gets a button-styled label ("Pilih berkas",
// or "Pilih foto" when it takes images only) and a line saying what was chosen. The native
// input stays in the page, visually hidden but focusable, so the keyboard, screen readers,
// required/accept/multiple and form submission work as before. Without JS nothing changes.
(function () {
  "use strict";

  var IMAGE_EXTENSIONS = /^\.(jpe?g|png|gif|webp|heic|heif|bmp|tiff?)$/i;
  var counter = 0;

  function imagesOnly(input) {
    var tokens = (input.getAttribute("accept") || "").split(",").map(function (token) {
      return token.trim();
    }).filter(Boolean);
    return tokens.length > 0 && tokens.every(function (token) {
      return /^image\//i.test(token) || IMAGE_EXTENSIONS.test(token);
    });
  }

  function size(bytes) {
    var format = function (value) {
      return value.toLocaleString("id-ID", { maximumFractionDigits: 1 });
    };
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return format(bytes / 1024) + " KB";
    return format(bytes / (1024 * 1024)) + " MB";
  }

  function describe(input) {
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length === 0) return "Belum ada berkas dipilih";
    var names = files.map(function (file) {
      return file.name + " (" + size(file.size) + ")";
    });
    if (files.length === 1) return names[0];
    return files.length + " berkas: " + names.join(", ");
  }

  function enhance(input) {
    if (input.hasAttribute("data-file-pick")) return;
    input.setAttribute("data-file-pick", "");
    if (!input.id) {
      counter += 1;
      input.id = "file-pick-" + counter;
    }
    var wrap = document.createElement("span");
    wrap.className = "file-pick";
    var button = document.createElement("label");
    button.className = "file-pick-button";
    button.htmlFor = input.id;
    // The field keeps the name its own label gives it; this one only opens the picker.
    button.setAttribute("aria-hidden", "true");
    button.textContent = imagesOnly(input) ? "Pilih foto" : "Pilih berkas";
    var status = document.createElement("span");
    status.className = "file-pick-status";
    status.id = input.id + "-chosen";
    status.setAttribute("aria-live", "polite");
    status.textContent = describe(input);
    wrap.appendChild(button);
    wrap.appendChild(status);
    input.parentNode.insertBefore(wrap, input.nextSibling);
    var describedBy = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + status.id);
    input.classList.add("file-pick-native");
    var update = function () {
      status.textContent = describe(input);
      wrap.classList.toggle("chosen", input.files && input.files.length > 0);
    };
    input.addEventListener("change", update);
    input.addEventListener("input", update);
    if (input.form) {
      input.form.addEventListener("reset", function () {
        window.setTimeout(update, 0);
      });
    }
    update();
  }

  function enhanceAll(root) {
    var inputs = root.querySelectorAll ? root.querySelectorAll('input[type="file"]') : [];
    Array.prototype.forEach.call(inputs, enhance);
  }

  function start() {
    enhanceAll(document);
    if ("MutationObserver" in window) {
      new MutationObserver(function (mutations) {
        mutations.forEach(function (mutation) {
          Array.prototype.forEach.call(mutation.addedNodes, function (node) {
            if (node.nodeType !== 1) return;
            if (node.matches('input[type="file"]')) enhance(node);
            else enhanceAll(node);
          });
        });
      }).observe(document.body, { childList: true, subtree: true });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
