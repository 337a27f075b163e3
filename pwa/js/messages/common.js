// Messages shared by every screen, in English and Welsh.
export default {
  en: {
    "common.cancel": "Cancel",
    "common.save": "Save",
  },
  cy: {
    "common.cancel": "Canslo",
    "common.save": "Cadw",
  },
};
