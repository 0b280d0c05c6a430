/* The checkout with an online method ("finalize payments on the server"): Stripe.js's Payment
   Element in deferred mode collects the card (or PayPal / Klarna) without a PaymentIntent; on
   submit the browser creates a PaymentMethod and posts its id with the form. The server then
   reserves the stock and confirms the intent in one transaction: a declined card reserves
   nothing and the form says why. The summary and the button say what happens for the method
   chosen (online: "Order with obligation to pay", § 312j BGB). No inline script. */
(function () {
  "use strict";
  var box = document.querySelector("[data-stripe-checkout]");
  if (!box) { return; }
  var form = box.closest("form");
  var token = form.querySelector("input[name=payment_method_id]");
  var message = box.querySelector("[data-payment-message]");
  function online() {
    var chosen = form.querySelector("input[name=payment_method]:checked");
    return Boolean(chosen) && chosen.value !== "counter";
  }
  var elements = null, mounted = false, stripe = null;
  if (typeof window.Stripe === "function") {
    stripe = window.Stripe(box.dataset.key, {locale: document.documentElement.lang || "auto"});
    elements = stripe.elements({
      mode: "payment",
      amount: parseInt(box.dataset.amount, 10),
      currency: box.dataset.currency,
      captureMethod: "manual",
      paymentMethodCreation: "manual",
      paymentMethodTypes: box.dataset.methods.split(",")
    });
  }
  function sync() {
    var on = online();
    box.hidden = !on;
    form.querySelectorAll("[data-when]").forEach(function (node) {
      node.hidden = node.dataset.when !== (on ? "online" : "counter");
    });
    if (on && elements && !mounted) {
      elements.create("payment").mount("#checkout-payment-element");
      mounted = true;
    }
  }
  form.querySelectorAll("input[name=payment_method]").forEach(function (radio) {
    radio.addEventListener("change", sync);
  });
  // Each store offers its own online methods: the element follows the pickup store chosen.
  var byStore = JSON.parse(box.dataset.methodsByStore || "{}");
  form.querySelectorAll("input[name=store]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      var methods = byStore[radio.value];
      if (elements && typeof elements.update === "function" && methods && methods.length) {
        elements.update({paymentMethodTypes: methods});
      }
    });
  });
  sync();
  var busy = false;
  form.addEventListener("submit", function (event) {
    if (!online() || token.value) { return; }
    event.preventDefault();
    if (busy || !elements) { return; }
    busy = true;
    message.hidden = true;
    elements.submit().then(function (result) {
      if (result && result.error) { throw result.error; }
      return stripe.createPaymentMethod({elements: elements});
    }).then(function (result) {
      if (result.error) { throw result.error; }
      token.value = result.paymentMethod.id;
      form.submit();
    }).catch(function (error) {
      message.textContent = (error && error.message) || box.dataset.failed;
      message.hidden = false;
      busy = false;
    });
  });
})();
