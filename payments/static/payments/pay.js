/* The pay page: Stripe.js mounts its Payment Element and confirms the PaymentIntent in the browser
   (3-D Secure, PayPal and Klarna redirect and come back to the return URL). No inline script. */
(function () {
  "use strict";
  var form = document.getElementById("pay-form");
  if (!form || typeof window.Stripe !== "function") { return; }
  var stripe = window.Stripe(form.dataset.key, {locale: document.documentElement.lang || "auto"});
  var elements = stripe.elements({clientSecret: form.dataset.secret});
  elements.create("payment").mount("#payment-element");
  var message = document.getElementById("pay-message");
  var button = document.getElementById("pay-button");
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
