/** Command-line flags of the prices `kafka-eks cost` can override (the fields of `Prices`). */
import type { Prices } from '../simulator/cost';

/**
 * The flag of each price, in the order the help lists them. Typed over every field of `Prices`, so
 * a price added to the cost model without a flag fails to compile. Kept free of runtime imports so
 * building the program (and `--help`) does not load the cost model.
 */
export const PRICE_FLAGS: Readonly<Record<keyof Prices, string>> = {
  kafkaNodePerHour: 'kafka-node-per-hour',
  systemNodePerHour: 'system-node-per-hour',
  eksControlPlanePerHour: 'eks-per-hour',
  natGatewayPerHour: 'nat-gateway-per-hour',
  nlbPerHour: 'nlb-per-hour',
  gp3PerGiMonth: 'gp3-per-gib-month',
  gp3PerIopsMonth: 'gp3-per-iops-month',
  gp3PerMiBpsMonth: 'gp3-per-mibps-month',
};

/** The price fields, in {@link PRICE_FLAGS} order. */
export const PRICE_FLAG_FIELDS = Object.keys(PRICE_FLAGS) as (keyof Prices)[];
