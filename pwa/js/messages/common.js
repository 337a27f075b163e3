// Messages shared by every screen, in English and Welsh.
export default {
  en: {
    "common.cancel": "Cancel",
    "common.save": "Save",
    "common.downloaded": "Downloaded {name}.",
    "common.desk": "Desk",
    "common.back_to_roster": "Back to today's roster",
  },
  cy: {
    "common.cancel": "Canslo",
    "common.save": "Cadw",
    "common.downloaded": "Wedi lawrlwytho {name}.",
    "common.desk": "Desg",
    "common.back_to_roster": "Yn ôl i rota heddiw",
  },
};
