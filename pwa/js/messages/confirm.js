// Confirming visits: the family's PIN and reading the home's tag.
export default {
  en: {
    "confirm.title": "Confirming visits",
    "confirm.intro": "Where the carer asks, you or your relative can confirm a visit on the carer's phone with this PIN.",
    "confirm.pin_for": "PIN for {name}",
    "confirm.pin_hint": "4 to 8 digits; setting it again replaces the old one",
    "confirm.set_pin": "Set PIN",
    "confirm.pin_set": "PIN set.",
    "confirm.sticker_unreadable": "The sticker could not be read; tap again.",
    "confirm.qr_decoder": "The QR decoder could not be loaded.",
  },
  cy: {
    "confirm.title": "Cadarnhau ymweliadau",
    "confirm.intro": "Pan fydd y gofalwr yn gofyn, gallwch chi neu'ch perthynas gadarnhau ymweliad ar ffôn y gofalwr gyda'r PIN hwn.",
    "confirm.pin_for": "PIN ar gyfer {name}",
    "confirm.pin_hint": "4 i 8 digid; mae ei osod eto yn disodli'r hen un",
    "confirm.set_pin": "Gosod PIN",
    "confirm.pin_set": "PIN wedi'i osod.",
    "confirm.sticker_unreadable": "Nid oedd modd darllen y sticer; tapiwch eto.",
    "confirm.qr_decoder": "Nid oedd modd llwytho'r datgodiwr QR.",
  },
};
