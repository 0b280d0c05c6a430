/* The pay page. Step "action": the checkout confirmed the PaymentIntent on the server and the
   bank asks for 3-D Secure (or PayPal/Klarna redirect): Stripe.js handles the next action, then
   the browser goes to the return URL, which asks Stripe and places the order. Step "method": the
   last authentication failed; the Payment Element lets the shopper try another card or method.
   No inline script. */
(function () {
  "use strict";
  var form = document.getElementById("pay-form");
  if (!form || typeof window.Stripe !== "function") { return; }
  var stripe = window.Stripe(form.dataset.key, {locale: document.documentElement.lang || "auto"});
  var message = document.getElementById("pay-message");
  var button = document.getElementById("pay-button");
  var back = function () { window.location.assign(form.dataset.return); };
  if (form.dataset.step === "action") {
    stripe.handleNextAction({clientSecret: form.dataset.secret}).then(back, back);
    return;
  }
  var elements = stripe.elements({clientSecret: form.dataset.secret});
  elements.create("payment").mount("#payment-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    message.hidden = true;
    stripe.confirmPayment({elements: elements, confirmParams: {return_url: form.dataset.return}})
      .then(function (result) {
        if (result && result.error) {
          message.textContent = result.error.message || form.dataset.failed;
          message.hidden = false;
          button.disabled = false;
        }
      });
  });
})();
