// The handover's signature pad: draw with a finger, a pen or the mouse on the canvas (pointer events);
// on submit the drawing goes into the hidden field as a PNG data URL. No library, no inline script.
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  var form = document.getElementById("handover-form");
  if (!canvas || !form) return;
  var field = form.querySelector("input[name=signature_png]");
  var paper = form.querySelector("input[name=signed_on_paper]");
  var clear = document.getElementById("signature-clear");
  var kept = document.getElementById("signature-kept");
  var context = canvas.getContext("2d");
  var drawing = false;
  var drawn = false; // something drawn on this page
  var last = null;

  // The server takes a PNG of at most 2000 px a side: stay under it whatever the screen.
  var MAX_SIDE = 1900;

  function size() {
    // Draw at the screen's resolution (at most 2×), keeping what was drawn when the pad changes size.
    var rect = canvas.getBoundingClientRect();
    var ratio = Math.min(window.devicePixelRatio || 1, 2, MAX_SIDE / Math.max(rect.width, 1));
    var before = null;
    if (drawn) {
      before = document.createElement("canvas");
      before.width = canvas.width;
      before.height = canvas.height;
      before.getContext("2d").drawImage(canvas, 0, 0);
    }
    canvas.width = Math.max(1, Math.round(rect.width * ratio));
    canvas.height = Math.max(1, Math.round(rect.height * ratio));
    if (before) context.drawImage(before, 0, 0, canvas.width, canvas.height);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#10204a";
  }

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  canvas.addEventListener("pointerdown", function (event) {
    if (paper && paper.checked) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    context.beginPath();
    context.arc(last.x, last.y, context.lineWidth / 2, 0, 2 * Math.PI);
    context.fillStyle = context.strokeStyle;
    context.fill();
    drawn = true;
    if (field.value && kept) {
      // Drawing again replaces the signature kept from the last attempt.
      field.value = "";
      kept.hidden = true;
    }
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    event.preventDefault();
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    events.forEach(function (each) {
      var next = point(each);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    });
  });
  function stop() {
    drawing = false;
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  if (clear) {
    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      field.value = "";
      if (kept) kept.hidden = true;
    });
  }
  if (paper) {
    paper.addEventListener("change", function () {
      canvas.classList.toggle("disabled", paper.checked);
    });
  }

  form.addEventListener("submit", function () {
    if (paper && paper.checked) {
      field.value = "";
    } else if (drawn) {
      field.value = canvas.toDataURL("image/png");
    }
    // Otherwise: the signature kept from a failed attempt, or nothing (the server says it is missing).
  });

  size();
  if (field.value && kept) kept.hidden = false;
  var width = canvas.getBoundingClientRect().width;
  window.addEventListener("resize", function () {
    var now = canvas.getBoundingClientRect().width;
    if (now !== width) {
      width = now;
      size();
    }
  });
})();
