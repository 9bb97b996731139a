export {
  startEasyPostStandIn,
  STAND_IN_SERVICES,
  UNDELIVERABLE_ZIP,
  type EasyPostStandIn,
  type StandInRequest,
  type StandInService,
  type TrackerUpdate,
  type SignedEvent,
  type WebhookSendOptions,
} from './easypost-stand-in.ts';
