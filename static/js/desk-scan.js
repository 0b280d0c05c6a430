/* The handover field reads the shopper's QR code with the tablet's camera where the browser has
   a BarcodeDetector (Chrome on Android, for one); elsewhere the code is typed or comes from a
   keyboard-wedge scanner, and the camera button stays hidden. */
(function () {
  "use strict";
  var button = document.getElementById("desk-camera");
  var view = document.getElementById("desk-camera-view");
  var video = document.getElementById("desk-video");
  var field = document.getElementById("desk-code");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var stream = null;
  var timer = null;

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    view.hidden = true;
    field.focus();
  }

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) return;
    button.hidden = false;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    button.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s;
        video.srcObject = s;
        view.hidden = false;
        video.play();
        timer = setInterval(function () {
          detector.detect(video).then(function (codes) {
            if (!codes.length) return;
            field.value = codes[0].rawValue;
            stop();
            field.form.requestSubmit();
          }).catch(function () {});
        }, 300);
      }).catch(stop);
    });
    document.getElementById("desk-camera-stop").addEventListener("click", stop);
  });
})();
