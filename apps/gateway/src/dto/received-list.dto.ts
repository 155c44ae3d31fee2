import { MessageTypePageDto } from './list-request.dto.js';

/** POST /getReceivedEdocList */
export class ReceivedListDto extends MessageTypePageDto {}
