/**
 * The parts of EasyPost's v2 wire format this plugin reads and writes (https://docs.easypost.com).
 * Only the fields used are declared; EasyPost sends many more.
 */

export interface EasyPostAddressInput {
  name: string;
  company?: string;
  street1: string;
  street2?: string;
  city: string;
  state?: string;
  zip: string;
  country: string;
  phone?: string;
  email?: string;
}

export interface EasyPostParcelInput {
  /** Ounces. */
  weight: number;
  /** Inches. */
  length?: number;
  width?: number;
  height?: number;
}

export interface EasyPostShipmentInput {
  to_address: EasyPostAddressInput;
  from_address: EasyPostAddressInput;
  parcel: EasyPostParcelInput;
  reference?: string;
  is_return?: boolean;
  carrier_accounts?: string[];
  options?: { label_format?: 'PDF' | 'PNG' | 'ZPL'; currency?: string };
}

export interface EasyPostRate {
  id: string;
  object?: 'Rate';
  carrier: string;
  service: string;
  /** A decimal string (`"7.58"`). */
  rate: string;
  currency: string;
  delivery_days: number | null;
  est_delivery_days?: number | null;
  shipment_id?: string;
  carrier_account_id?: string;
}

export interface EasyPostTrackingLocation {
  city: string | null;
  state: string | null;
  country: string | null;
  zip: string | null;
}

export interface EasyPostTrackingDetail {
  object?: 'TrackingDetail';
  datetime: string;
  message: string | null;
  description?: string | null;
  status: string;
  status_detail?: string | null;
  source?: string | null;
  tracking_location: EasyPostTrackingLocation | null;
}

export interface EasyPostTracker {
  id: string;
  object: 'Tracker';
  tracking_code: string;
  status: string;
  status_detail?: string | null;
  carrier?: string | null;
  shipment_id: string | null;
  est_delivery_date: string | null;
  public_url: string | null;
  tracking_details: EasyPostTrackingDetail[];
  created_at?: string;
  updated_at?: string;
}

export interface EasyPostPostageLabel {
  label_url: string;
  label_file_type: string | null;
  label_pdf_url?: string | null;
  label_zpl_url?: string | null;
}

export interface EasyPostShipment {
  id: string;
  object: 'Shipment';
  mode?: 'test' | 'production';
  reference: string | null;
  is_return: boolean;
  status?: string;
  rates: EasyPostRate[];
  selected_rate: EasyPostRate | null;
  postage_label: EasyPostPostageLabel | null;
  tracking_code: string | null;
  tracker: EasyPostTracker | null;
  refund_status: 'submitted' | 'refunded' | 'rejected' | 'not_applicable' | null;
  messages?: Array<{ carrier?: string; type?: string; message?: string }>;
}

export interface EasyPostEvent {
  id: string;
  object: 'Event';
  description: string;
  mode?: string;
  result: unknown;
  created_at?: string;
}

export interface EasyPostFieldError {
  field?: string;
  message?: string;
  suggestion?: string | null;
}

/** `{ error: { code, message, errors } }`; `errors` holds objects or plain strings. */
export interface EasyPostErrorBody {
  error: { code: string; message: string; errors?: Array<EasyPostFieldError | string> };
}
