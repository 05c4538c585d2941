// The inspection field form's draft: everything typed, chosen and photographed is kept in the
// phone's localStorage as it is entered, so a lost connection or a closed tab loses nothing.
// The draft carries the submission key the server records the inspection under: sending the
// form again (after a failed request) records it once. The inspection's page, reached after a
// successful submission, forgets the draft of that key.
(function () {
  "use strict";
  var PREFIX = "inspection-draft:";
  var MAX_SIDE = 1600; // photos are scaled down: smaller uploads on a weak signal, smaller drafts

  function forgetSubmitted() {
    var done = document.querySelector("[data-submitted-key]");
    if (!done) return;
    var key = done.getAttribute("data-submitted-key");
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var name = localStorage.key(i);
      if (!name || name.indexOf(PREFIX) !== 0) continue;
      try {
        if (JSON.parse(localStorage.getItem(name)).submission_key === key) localStorage.removeItem(name);
      } catch (e) {
        localStorage.removeItem(name);
      }
    }
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function readDataUrl(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = reject;
      reader.readAsDataURL(blob);
    });
  }

  function dataUrlToFile(photo) {
    var parts = photo.data.split(",");
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
    return new File([array], photo.name, { type: photo.type });
  }

  // A camera photo scaled to MAX_SIDE as JPEG; anything the browser cannot draw stays as is.
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp|gif)$/.test(file.type)) return Promise.resolve(file);
    return new Promise(function (resolve) {
      var image = new Image();
      var url = URL.createObjectURL(file);
      image.onload = function () {
        URL.revokeObjectURL(url);
        var scale = Math.min(1, MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
        if (scale === 1 && file.type !== "image/png") return resolve(file);
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(image.naturalWidth * scale);
        canvas.height = Math.round(image.naturalHeight * scale);
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], file.name, { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.8);
      };
      image.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      image.src = url;
    });
  }

  function setFiles(input, files) {
    var transfer = new DataTransfer();
    files.forEach(function (file) { transfer.items.add(file); });
    input.files = transfer.files;
  }

  function preview(form, input) {
    var box = form.querySelector('[data-photo-preview="' + input.name + '"]');
    if (!box) return;
    box.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var image = document.createElement("img");
      image.src = URL.createObjectURL(file);
      image.alt = file.name;
      image.className = "rounded border";
      image.style.height = "4rem";
      box.appendChild(image);
    });
  }

  function start(form) {
    var storageKey = form.getAttribute("data-inspection-draft");
    var status = document.querySelector("[data-draft-status]");
    var keyInput = form.elements.submission_key;
    var draft = {};
    try { draft = JSON.parse(localStorage.getItem(storageKey)) || {}; } catch (e) { draft = {}; }

    function say(text, kind) {
      if (!status) return;
      status.className = "alert alert-" + (kind || "info");
      status.textContent = text;
    }

    // A page re-rendered with errors keeps the key it was posted with.
    keyInput.value = keyInput.value || draft.submission_key || newKey();
    var restoring = !!draft.saved_at && draft.submission_key === keyInput.value;
    if (restoring) {
      Object.keys(draft.values || {}).forEach(function (name) {
        var field = form.elements[name];
        if (!field) return;
        var value = draft.values[name];
        if (field instanceof RadioNodeList) {
          Array.prototype.forEach.call(field, function (radio) { radio.checked = radio.value === value; });
        } else if (field.type !== "file") {
          field.value = value;
        }
      });
      Object.keys(draft.photos || {}).forEach(function (name) {
        var input = form.elements[name];
        if (input && draft.photos[name].length && !input.files.length) {
          setFiles(input, draft.photos[name].map(dataUrlToFile));
          preview(form, input);
        }
      });
      say("已恢复本机保存的草稿（" + new Date(draft.saved_at).toLocaleString() + "）。");
    }
    draft.submission_key = keyInput.value;
    draft.photos = draft.photos || {};

    function save() {
      draft.values = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "file" || field.type === "hidden" || field.type === "submit" || field.type === "button") return;
        if (field.type === "radio") {
          if (field.checked) draft.values[field.name] = field.value;
          return;
        }
        draft.values[field.name] = field.value;
      });
      draft.saved_at = Date.now();
      try {
        localStorage.setItem(storageKey, JSON.stringify(draft));
      } catch (e) {
        // Storage full: keep the text, and say the photos live only in this page.
        var photos = draft.photos;
        draft.photos = {};
        try { localStorage.setItem(storageKey, JSON.stringify(draft)); } catch (ignored) { /* nothing more to drop */ }
        draft.photos = photos;
        say("本机存储空间不足，照片未能存入草稿：提交前请勿关闭本页。", "warning");
      }
    }

    form.addEventListener("input", function (event) {
      if (event.target.type !== "file") save();
    });
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type !== "file") return save();
      Promise.all(Array.prototype.map.call(input.files, shrink)).then(function (files) {
        setFiles(input, files);
        preview(form, input);
        return Promise.all(files.map(function (file) {
          return readDataUrl(file).then(function (data) {
            return { name: file.name, type: file.type, data: data };
          });
        }));
      }).then(function (photos) {
        draft.photos[input.name] = photos;
        save();
      });
    });

    form.addEventListener("submit", function (event) {
      save();
      if (navigator.onLine === false) {
        event.preventDefault();
        say("当前没有网络。检查内容已保存在本机，恢复网络后再点“提交检查”。", "warning");
        return;
      }
      var button = form.querySelector('button[type="submit"]');
      if (button.disabled) {
        event.preventDefault();
        return;
      }
      button.disabled = true;
      say("正在提交……若网络中断，重新打开本页再提交即可，不会重复登记。");
    });

    var discard = form.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        if (!window.confirm("清除本机保存的草稿？已填写的内容将丢失。")) return;
        localStorage.removeItem(storageKey);
        window.location.reload();
      });
    }
  }

  forgetSubmitted();
  var form = document.querySelector("form[data-inspection-draft]");
  if (form) start(form);
})();
