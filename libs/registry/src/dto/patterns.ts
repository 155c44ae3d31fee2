/** QCVN 102:2016 OrganId, the form used inside edXML traffic: `LLL.NN.NN.XNN`, e.g. 000.00.00.G22. */
export const ORGAN_ID_PATTERN = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
/** Decision 20/2020 code: up to 35 characters of A-Z, 0-9 and dots, e.g. H37.02.02. */
export const CODE_2020_PATTERN = /^[A-Z0-9.]{1,35}$/;
/** Connected system id: printable, no spaces or separators that would break headers and subjects. */
export const SYSTEM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const NOT_BLANK = /\S/;
