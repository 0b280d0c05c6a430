"""Template legal texts of the fictional demo chain, German and English.

Every text starts with a clear warning: these are patterns for the demo, to be checked by a
lawyer and completed with the retailer's real data before the shop goes online.
"""

from dataclasses import dataclass

WARNING_DE = "! Mustertext – vor Veröffentlichung rechtlich prüfen lassen. Alle Angaben zum Unternehmen sind erfunden."
WARNING_EN = "! Template text – have it checked by a lawyer before publishing. All company details are fictional."

COMPANY_DE = """Omnishop Handels GmbH (fiktives Demo-Unternehmen)
Musterstraße 1
10115 Berlin
Deutschland"""

COMPANY_EN = """Omnishop Handels GmbH (fictional demo company)
Musterstraße 1
10115 Berlin
Germany"""


@dataclass(frozen=True)
class DemoLegalText:
    page: str
    title_de: str
    title_en: str
    body_de: str
    body_en: str


IMPRINT = DemoLegalText(
    "imprint",
    "Impressum",
    "Imprint",
    f"""{WARNING_DE}

## Angaben gemäß § 5 DDG
{COMPANY_DE}

## Vertreten durch
Geschäftsführerin: Maria Muster

## Kontakt
Telefon: +49 30 000000-0
E-Mail: shop@omnishop.example

## Registereintrag
Eintragung im Handelsregister.
Registergericht: Amtsgericht Berlin-Charlottenburg
Registernummer: HRB 000000 B (Muster)

## Umsatzsteuer-Identifikationsnummer
gemäß § 27a Umsatzsteuergesetz: DE000000000 (Muster)

## Verbraucherstreitbeilegung
Wir sind nicht bereit und nicht verpflichtet, an Streitbeilegungsverfahren vor einer Verbraucherschlichtungsstelle teilzunehmen.""",
    f"""{WARNING_EN}

## Information according to § 5 DDG (German Digital Services Act)
{COMPANY_EN}

## Represented by
Managing director: Maria Muster

## Contact
Phone: +49 30 000000-0
E-mail: shop@omnishop.example

## Register entry
Entered in the commercial register.
Register court: Amtsgericht Berlin-Charlottenburg
Register number: HRB 000000 B (template)

## VAT identification number
according to § 27a of the German VAT Act: DE000000000 (template)

## Consumer dispute resolution
We are neither willing nor obliged to take part in dispute resolution proceedings before a consumer arbitration board.""",
)

TERMS = DemoLegalText(
    "terms",
    "Allgemeine Geschäftsbedingungen (AGB)",
    "Terms and conditions",
    f"""{WARNING_DE}

## § 1 Geltungsbereich
Diese AGB gelten für alle Reservierungen und Bestellungen, die Verbraucherinnen und Verbraucher über den Onlineshop der Omnishop Handels GmbH zur Abholung in einer unserer Filialen aufgeben.

## § 2 Reservierung oder Kauf
Welches Modell gilt, steht auf der Schaltfläche am Ende der Bestellung:
- „Unverbindlich reservieren“: Wir legen die Ware für Sie zurück. Ein Kaufvertrag kommt erst an der Kasse der Filiale zustande; Sie sind nicht verpflichtet, die Ware abzuholen oder zu bezahlen.
- „Zahlungspflichtig bestellen“: Mit dem Klick geben Sie ein verbindliches Angebot ab; der Vertrag kommt mit unserer Bestätigungs-E-Mail zustande. Es gilt das gesetzliche Widerrufsrecht (siehe Widerrufsbelehrung).

## § 3 Preise und Zahlung
Alle Preise enthalten die gesetzliche Mehrwertsteuer. Sie bezahlen bei Abholung in der Filiale bar oder mit Karte. Treuepunkte und Guthaben können bereits online eingesetzt werden; sie werden zurückgebucht, wenn die Bestellung storniert, widerrufen oder nicht abgeholt wird.

## § 4 Abholung
Wir benachrichtigen Sie per E-Mail, sobald die Ware bereitliegt. Die Ware wird für die in der Filiale angegebene Frist zurückgelegt; danach geht sie zurück in den Verkauf.

## § 5 Gewährleistung
Es gelten die gesetzlichen Mängelrechte. Rückgaben nehmen wir in jeder unserer Filialen an.""",
    f"""{WARNING_EN}

## § 1 Scope
These terms apply to all reservations and orders that consumers place in the online shop of Omnishop Handels GmbH for pickup in one of our stores.

## § 2 Reservation or purchase
Which model applies is stated on the button at the end of the checkout:
- "Reserve without obligation": we put the goods aside for you. A contract of sale is only made at the counter of the store; you are not obliged to collect or pay for the goods.
- "Order with obligation to pay": with the click you make a binding offer; the contract is made with our confirmation e-mail. The statutory right of withdrawal applies (see the right of withdrawal).

## § 3 Prices and payment
All prices include statutory VAT. You pay in cash or by card when you collect the goods in the store. Loyalty points and store credit can be used online; they are given back if the order is cancelled, withdrawn from or not collected.

## § 4 Pickup
We tell you by e-mail as soon as the goods are ready. They are held for the period shown by the store; after that they go back on sale.

## § 5 Warranty
The statutory rights for defects apply. Returns are accepted in any of our stores.""",
)

PRIVACY = DemoLegalText(
    "privacy",
    "Datenschutzerklärung",
    "Privacy policy",
    f"""{WARNING_DE}

## Verantwortlicher
{COMPANY_DE}
E-Mail: datenschutz@omnishop.example

## Welche Daten wir verarbeiten
- Konto: E-Mail-Adresse, Name, Passwort (nur verschlüsselt gespeichert), Sprache.
- Bestellungen: Artikel, Abholfiliale, Telefonnummer, Zeitpunkte; Rechtsgrundlage Art. 6 Abs. 1 lit. b DSGVO (Vertrag).
- Treuekonto: Punkte, Guthaben und Einkäufe in Filialen und online; Art. 6 Abs. 1 lit. b DSGVO.
- Widerruf: Name, E-Mail-Adresse und Zeitpunkt Ihres Widerrufs; Art. 6 Abs. 1 lit. c DSGVO (gesetzliche Pflicht).

## Cookies und Speicher im Browser
Wir setzen nur technisch notwendige Cookies (§ 25 Abs. 2 Nr. 2 TDDDG). Es gibt kein Tracking, keine Werbe- oder Analyse-Cookies und keine Inhalte von Dritten.
- sessionid: hält Sie angemeldet und merkt sich Warenkorb und gewählte Filiale; gilt bis zum Schließen des Browsers, mit „Angemeldet bleiben“ 2 Wochen.
- csrftoken: schützt Formulare vor Fälschung (Cross-Site Request Forgery); gültig 1 Jahr.
- django_language: die gewählte Sprache (Deutsch oder Englisch); gilt bis zum Schließen des Browsers; nur gesetzt, wenn Sie die Sprache umschalten.
- messages: kurze Hinweise wie „In den Warenkorb gelegt“ bis zur nächsten Seite; wird danach gelöscht.
Die Seiten speichern außerdem zuletzt besuchte Seiten im Speicher Ihres Browsers (sessionStorage/localStorage), damit die Zurück-Schaltfläche schnell funktioniert; diese Daten verlassen Ihr Gerät nicht.

## Speicherdauer
Bestell- und Buchungsdaten bewahren wir so lange auf, wie Handels- und Steuerrecht es verlangen (bis zu 10 Jahre).

## Ihre Rechte
Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung, Datenübertragbarkeit und Widerspruch sowie das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu beschweren.""",
    f"""{WARNING_EN}

## Controller
{COMPANY_EN}
E-mail: datenschutz@omnishop.example

## What data we process
- Account: e-mail address, name, password (stored only hashed), language.
- Orders: items, pickup store, phone number, times; legal basis Art. 6(1)(b) GDPR (contract).
- Loyalty account: points, store credit and purchases in stores and online; Art. 6(1)(b) GDPR.
- Withdrawal: your name, e-mail address and the time of your withdrawal; Art. 6(1)(c) GDPR (legal obligation).

## Cookies and storage in the browser
We only set technically necessary cookies (§ 25(2) no. 2 TDDDG). There is no tracking, no advertising or analytics cookies and no third-party content.
- sessionid: keeps you logged in and remembers your cart and chosen store; lasts until you close the browser, 2 weeks with "Remember Me".
- csrftoken: protects forms against forgery (cross-site request forgery); valid for 1 year.
- django_language: the language you chose (German or English); lasts until you close the browser; only set when you switch the language.
- messages: short notices such as "Added to cart" until the next page; deleted afterwards.
The pages also keep recently visited pages in your browser's storage (sessionStorage/localStorage) so that the back button is fast; this data never leaves your device.

## How long we keep data
Order and booking data are kept as long as commercial and tax law require (up to 10 years).

## Your rights
You have the right of access, rectification, erasure, restriction of processing, data portability and objection, and the right to lodge a complaint with a data protection supervisory authority.""",
)

WITHDRAWAL = DemoLegalText(
    "withdrawal",
    "Widerrufsbelehrung und Muster-Widerrufsformular",
    "Right of withdrawal and model withdrawal form",
    f"""{WARNING_DE}

Das Widerrufsrecht gilt nur für zahlungspflichtige Bestellungen („Zahlungspflichtig bestellen“). Eine unverbindliche Reservierung ist kein Kaufvertrag; diese müssen Sie nicht widerrufen.

## Widerrufsrecht
Sie haben das Recht, binnen vierzehn Tagen ohne Angabe von Gründen diesen Vertrag zu widerrufen. Die Widerrufsfrist beträgt vierzehn Tage ab dem Tag, an dem Sie oder ein von Ihnen benannter Dritter, der nicht der Beförderer ist, die Waren in Besitz genommen haben bzw. hat (bei Abholung: der Tag der Abholung in der Filiale).

Um Ihr Widerrufsrecht auszuüben, müssen Sie uns ({COMPANY_DE.replace(chr(10), ", ")}, E-Mail: shop@omnishop.example, Telefon: +49 30 000000-0) mittels einer eindeutigen Erklärung (z. B. ein mit der Post versandter Brief oder E-Mail) über Ihren Entschluss, diesen Vertrag zu widerrufen, informieren. Sie können dafür das beigefügte Muster-Widerrufsformular verwenden, das jedoch nicht vorgeschrieben ist. Sie können den Widerruf auch über die Schaltfläche „Vertrag widerrufen“ unten auf jeder Seite unseres Shops erklären; wir bestätigen Ihnen den Eingang mit Datum und Uhrzeit per E-Mail.

Zur Wahrung der Widerrufsfrist reicht es aus, dass Sie die Mitteilung über die Ausübung des Widerrufsrechts vor Ablauf der Widerrufsfrist absenden.

## Folgen des Widerrufs
Wenn Sie diesen Vertrag widerrufen, haben wir Ihnen alle Zahlungen, die wir von Ihnen erhalten haben, unverzüglich und spätestens binnen vierzehn Tagen ab dem Tag zurückzuzahlen, an dem die Mitteilung über Ihren Widerruf bei uns eingegangen ist. Für diese Rückzahlung verwenden wir dasselbe Zahlungsmittel, das Sie bei der ursprünglichen Transaktion eingesetzt haben, es sei denn, mit Ihnen wurde ausdrücklich etwas anderes vereinbart; in keinem Fall werden Ihnen wegen dieser Rückzahlung Entgelte berechnet. Eingesetzte Treuepunkte und Guthaben schreiben wir Ihrem Konto wieder gut. Wir können die Rückzahlung verweigern, bis wir die Waren wieder zurückerhalten haben oder bis Sie den Nachweis erbracht haben, dass Sie die Waren zurückgesandt haben, je nachdem, welches der frühere Zeitpunkt ist.

Sie haben die Waren unverzüglich und in jedem Fall spätestens binnen vierzehn Tagen ab dem Tag, an dem Sie uns über den Widerruf dieses Vertrags unterrichten, in einer unserer Filialen zurückzugeben oder an uns zurückzusenden. Die Frist ist gewahrt, wenn Sie die Waren vor Ablauf der Frist von vierzehn Tagen absenden. Sie tragen die unmittelbaren Kosten der Rücksendung der Waren. Sie müssen für einen etwaigen Wertverlust der Waren nur aufkommen, wenn dieser Wertverlust auf einen zur Prüfung der Beschaffenheit, Eigenschaften und Funktionsweise der Waren nicht notwendigen Umgang mit ihnen zurückzuführen ist.

Wird eine Bestellung vor der Abholung widerrufen, stornieren wir sie; es wurde nichts bezahlt.

## Muster-Widerrufsformular
(Wenn Sie den Vertrag widerrufen wollen, dann füllen Sie bitte dieses Formular aus und senden Sie es zurück.)
- An: Omnishop Handels GmbH, Musterstraße 1, 10115 Berlin, E-Mail: shop@omnishop.example
- Hiermit widerrufe(n) ich/wir (*) den von mir/uns (*) abgeschlossenen Vertrag über den Kauf der folgenden Waren (*)/die Erbringung der folgenden Dienstleistung (*)
- Bestellt am (*)/erhalten am (*)
- Name des/der Verbraucher(s)
- Anschrift des/der Verbraucher(s)
- Unterschrift des/der Verbraucher(s) (nur bei Mitteilung auf Papier)
- Datum

(*) Unzutreffendes streichen.""",
    f"""{WARNING_EN}

The right of withdrawal applies only to orders with an obligation to pay ("Order with obligation to pay"). A non-binding reservation is not a contract of sale; you do not need to withdraw from it.

## Right of withdrawal
You have the right to withdraw from this contract within fourteen days without giving any reason. The withdrawal period is fourteen days from the day on which you, or a third party other than the carrier indicated by you, take physical possession of the goods (for pickup: the day you collect them in the store).

To exercise the right of withdrawal, you must inform us ({COMPANY_EN.replace(chr(10), ", ")}, e-mail: shop@omnishop.example, phone: +49 30 000000-0) of your decision to withdraw from this contract by an unequivocal statement (e.g. a letter sent by post or an e-mail). You may use the attached model withdrawal form, but it is not obligatory. You can also withdraw with the "Withdraw from contract" button at the bottom of every page of our shop; we confirm receipt by e-mail with the date and time.

To meet the withdrawal deadline, it is sufficient for you to send your communication concerning your exercise of the right of withdrawal before the withdrawal period has expired.

## Effects of withdrawal
If you withdraw from this contract, we shall reimburse to you all payments received from you without undue delay and in any event not later than fourteen days from the day on which we are informed about your decision to withdraw from this contract. We will carry out such reimbursement using the same means of payment as you used for the initial transaction, unless you have expressly agreed otherwise; in any event, you will not incur any fees as a result of such reimbursement. Loyalty points and store credit you used are credited back to your account. We may withhold reimbursement until we have received the goods back or you have supplied evidence of having sent back the goods, whichever is the earliest.

You shall return the goods to any of our stores or send them back to us without undue delay and in any event not later than fourteen days from the day on which you communicate your withdrawal from this contract to us. The deadline is met if you send back the goods before the period of fourteen days has expired. You will have to bear the direct cost of returning the goods. You are only liable for any diminished value of the goods resulting from the handling other than what is necessary to establish the nature, characteristics and functioning of the goods.

If you withdraw from an order before collecting it, we cancel it; nothing has been paid.

## Model withdrawal form
(Complete and return this form only if you wish to withdraw from the contract.)
- To: Omnishop Handels GmbH, Musterstraße 1, 10115 Berlin, e-mail: shop@omnishop.example
- I/We (*) hereby give notice that I/We (*) withdraw from my/our (*) contract of sale of the following goods (*)/for the provision of the following service (*)
- Ordered on (*)/received on (*)
- Name of consumer(s)
- Address of consumer(s)
- Signature of consumer(s) (only if this form is notified on paper)
- Date

(*) Delete as appropriate.""",
)

PAYMENT_PICKUP = DemoLegalText(
    "payment-pickup",
    "Zahlung & Abholung",
    "Payment and pickup",
    f"""{WARNING_DE}

## Abholung
Sie wählen beim Bestellen eine Filiale, die alle Artikel vorrätig hat. Wir stellen die Ware meist innerhalb von zwei Stunden während der Öffnungszeiten bereit und schicken Ihnen eine E-Mail mit Ihrem Abholcode. Die Ware liegt für die von der Filiale angegebene Frist bereit.

## Zahlung
Sie bezahlen an der Kasse der Filiale bei Abholung, bar oder mit Karte (girocard, Kreditkarte). Online wird nichts abgebucht. Treuepunkte (100 Punkte = 1 €, höchstens die Hälfte des Bestellwerts) und Guthaben können Sie beim Bestellen einsetzen; der Rest wird an der Kasse bezahlt.

## Kosten
Die Abholung ist kostenlos. Es gibt keinen Versand.""",
    f"""{WARNING_EN}

## Pickup
When you order you choose a store that has all items in stock. We usually have the goods ready within two hours during opening hours and send you an e-mail with your pickup code. The goods are held for the period shown by the store.

## Payment
You pay at the counter of the store when you collect, in cash or by card (girocard, credit card). Nothing is charged online. Loyalty points (100 points = €1, at most half of the order) and store credit can be used when you order; the rest is paid at the counter.

## Costs
Pickup is free of charge. There is no delivery.""",
)

ACCESSIBILITY = DemoLegalText(
    "accessibility",
    "Erklärung zur Barrierefreiheit",
    "Accessibility statement",
    f"""{WARNING_DE}

## Stand der Vereinbarkeit
Dieser Onlineshop soll die Anforderungen des Barrierefreiheitsstärkungsgesetzes (BFSG) und der Norm EN 301 549 (WCAG 2.1, Stufe AA) erfüllen. Die Seiten werden mit automatischen Prüfungen (axe-core) und von Hand mit Tastatur und Bildschirmleser getestet.

## Bekannte Einschränkungen
- Produktbilder der Demodaten sind gezeichnete Platzhalter; ihre Alternativtexte nennen nur den Produktnamen.

## Barrieren melden
Wenn Ihnen Barrieren auffallen, schreiben Sie uns an barrierefreiheit@omnishop.example oder rufen Sie uns an: +49 30 000000-0.

## Marktüberwachungsbehörde
Zuständig ist die Marktüberwachungsstelle der Länder für die Barrierefreiheit von Produkten und Dienstleistungen (MLBF) in Magdeburg (Angaben vor Veröffentlichung prüfen).""",
    f"""{WARNING_EN}

## Compliance status
This online shop aims to meet the requirements of the German Accessibility Strengthening Act (BFSG) and the standard EN 301 549 (WCAG 2.1, level AA). The pages are tested with automated checks (axe-core) and by hand with keyboard and screen reader.

## Known limitations
- The product pictures of the demo data are drawn placeholders; their alternative texts only give the product name.

## Report barriers
If you notice barriers, write to barrierefreiheit@omnishop.example or call us: +49 30 000000-0.

## Market surveillance authority
The responsible authority is the Marktüberwachungsstelle der Länder für die Barrierefreiheit von Produkten und Dienstleistungen (MLBF) in Magdeburg (check before publishing).""",
)

DEMO_LEGAL_TEXTS = [IMPRINT, TERMS, PRIVACY, WITHDRAWAL, PAYMENT_PICKUP, ACCESSIBILITY]
