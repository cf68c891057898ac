//! Unit conversion: convert_angle, convert_energy, convert_force, convert_length,
//! convert_mass, convert_speed, convert_temperature, convert_volume.
//!
//! Kusto takes its unit names and factors from the UnitsNet library; each table gives the
//! size of one unit in the family's base unit, with UnitsNet's own (sometimes rounded)
//! factors where they differ from the exact definitions (US gallon, cubic foot, acre-foot),
//! since those are what Kusto prints. Temperatures are affine, and the angle unit
//! `Tilt` is the sine of the angle, so both convert through functions. Unknown units give
//! null.

use std::f64::consts::PI;

use super::arg;
use crate::kql::eval::scalar::{as_f64, as_text};
use crate::kql::eval::Result;
use crate::value::Value;

const US_GALLON: f64 = 0.003_785_41;
const IMPERIAL_GALLON: f64 = 0.004_546_09;
const CUBIC_FOOT: f64 = 0.028_316_8;
const US_SURVEY_FOOT: f64 = 1200.0 / 3937.0;
const BTU: f64 = 1_055.055_852_62;
const ELECTRON_VOLT: f64 = 1.602_176_565e-19;
const RADIAN_IN_DEGREES: f64 = 180.0 / PI;

/// Metres.
const LENGTH: &[(&str, f64)] = &[
    ("Angstrom", 1e-10),
    ("AstronomicalUnit", 1.495_978_707e11),
    ("Centimeter", 1e-2),
    ("Chain", 20.1168),
    ("DataMile", 1828.8),
    ("Decameter", 10.0),
    ("Decimeter", 0.1),
    ("DtpPica", 0.0254 / 6.0),
    ("DtpPoint", 0.0254 / 72.0),
    ("Fathom", 1.8288),
    ("Foot", 0.3048),
    ("Hand", 0.1016),
    ("Hectometer", 100.0),
    ("Inch", 0.0254),
    ("KilolightYear", 9.460_730_472_58e18),
    ("Kilometer", 1e3),
    ("Kiloparsec", 3.085_677_581_28e19),
    ("LightYear", 9.460_730_472_58e15),
    ("MegalightYear", 9.460_730_472_58e21),
    ("Megaparsec", 3.085_677_581_28e22),
    ("Meter", 1.0),
    ("Microinch", 2.54e-8),
    ("Micrometer", 1e-6),
    ("Mil", 2.54e-5),
    ("Mile", 1609.344),
    ("Millimeter", 1e-3),
    ("Nanometer", 1e-9),
    ("NauticalMile", 1852.0),
    ("Parsec", 3.085_677_581_28e16),
    ("PrinterPica", 1.0 / 237.106_301_584),
    ("PrinterPoint", 0.0254 / 72.27),
    ("Shackle", 27.432),
    ("SolarRadius", 6.957e8),
    ("Twip", 0.0254 / 1440.0),
    ("UsSurveyFoot", US_SURVEY_FOOT),
    ("Yard", 0.9144),
];

/// Kilograms.
const MASS: &[(&str, f64)] = &[
    ("Centigram", 1e-5),
    ("Decagram", 1e-2),
    ("Decigram", 1e-4),
    ("EarthMass", 5.9722e24),
    ("Grain", 6.479_891e-5),
    ("Gram", 1e-3),
    ("Hectogram", 0.1),
    ("Kilogram", 1.0),
    ("Kilopound", 453.592_37),
    ("Kilotonne", 1e6),
    ("LongHundredweight", 50.802_345_44),
    ("LongTon", 1_016.046_908_8),
    ("Megapound", 453_592.37),
    ("Megatonne", 1e9),
    ("Microgram", 1e-9),
    ("Milligram", 1e-6),
    ("Nanogram", 1e-12),
    ("Ounce", 0.028_349_523_125),
    ("Pound", 0.453_592_37),
    ("ShortHundredweight", 45.359_237),
    ("ShortTon", 907.184_74),
    ("Slug", 14.593_902_937_2),
    ("SolarMass", 1.989_47e30),
    ("Stone", 6.350_293_18),
    ("Tonne", 1e3),
];

/// Metres per second.
const SPEED: &[(&str, f64)] = &[
    ("CentimeterPerHour", 1e-2 / 3600.0),
    ("CentimeterPerMinute", 1e-2 / 60.0),
    ("CentimeterPerSecond", 1e-2),
    ("DecimeterPerMinute", 0.1 / 60.0),
    ("DecimeterPerSecond", 0.1),
    ("FootPerHour", 0.3048 / 3600.0),
    ("FootPerMinute", 0.3048 / 60.0),
    ("FootPerSecond", 0.3048),
    ("InchPerHour", 0.0254 / 3600.0),
    ("InchPerMinute", 0.0254 / 60.0),
    ("InchPerSecond", 0.0254),
    ("KilometerPerHour", 1e3 / 3600.0),
    ("KilometerPerMinute", 1e3 / 60.0),
    ("KilometerPerSecond", 1e3),
    ("Knot", 1852.0 / 3600.0),
    ("MeterPerHour", 1.0 / 3600.0),
    ("MeterPerMinute", 1.0 / 60.0),
    ("MeterPerSecond", 1.0),
    ("MicrometerPerMinute", 1e-6 / 60.0),
    ("MicrometerPerSecond", 1e-6),
    ("MilePerHour", 0.447_04),
    ("MillimeterPerHour", 1e-3 / 3600.0),
    ("MillimeterPerMinute", 1e-3 / 60.0),
    ("MillimeterPerSecond", 1e-3),
    ("NanometerPerMinute", 1e-9 / 60.0),
    ("NanometerPerSecond", 1e-9),
    ("UsSurveyFootPerHour", US_SURVEY_FOOT / 3600.0),
    ("UsSurveyFootPerMinute", US_SURVEY_FOOT / 60.0),
    ("UsSurveyFootPerSecond", US_SURVEY_FOOT),
    ("YardPerHour", 0.9144 / 3600.0),
    ("YardPerMinute", 0.9144 / 60.0),
    ("YardPerSecond", 0.9144),
];

/// Newtons.
const FORCE: &[(&str, f64)] = &[
    ("Decanewton", 10.0),
    ("Dyn", 1e-5),
    ("KilogramForce", 9.806_65),
    ("Kilonewton", 1e3),
    ("KiloPond", 9.806_65),
    ("KilopoundForce", 4_448.221_615_260_5),
    ("Meganewton", 1e6),
    ("Micronewton", 1e-6),
    ("Millinewton", 1e-3),
    ("Newton", 1.0),
    ("OunceForce", 0.278_013_850_953_781_2),
    ("Poundal", 0.138_254_954_376),
    ("PoundForce", 4.448_221_615_260_5),
    ("ShortTonForce", 8_896.443_230_521),
    ("TonneForce", 9806.65),
];

/// Joules.
const ENERGY: &[(&str, f64)] = &[
    ("BritishThermalUnit", BTU),
    ("Calorie", 4.184),
    ("DecathermEc", 1.055_055_852_62e9),
    ("DecathermImperial", 1.055_055_852_573_48e9),
    ("DecathermUs", 1.054_804e9),
    ("ElectronVolt", ELECTRON_VOLT),
    ("Erg", 1e-7),
    ("FootPound", 1.355_817_948),
    ("GigabritishThermalUnit", BTU * 1e9),
    ("GigaelectronVolt", ELECTRON_VOLT * 1e9),
    ("Gigajoule", 1e9),
    ("GigawattDay", 8.64e13),
    ("GigawattHour", 3.6e12),
    ("HorsepowerHour", 2.684_519_537_7e6),
    ("Joule", 1.0),
    ("KilobritishThermalUnit", BTU * 1e3),
    ("Kilocalorie", 4184.0),
    ("KiloelectronVolt", ELECTRON_VOLT * 1e3),
    ("Kilojoule", 1e3),
    ("KilowattDay", 8.64e7),
    ("KilowattHour", 3.6e6),
    ("MegabritishThermalUnit", BTU * 1e6),
    ("Megacalorie", 4.184e6),
    ("MegaelectronVolt", ELECTRON_VOLT * 1e6),
    ("Megajoule", 1e6),
    ("MegawattDay", 8.64e10),
    ("MegawattHour", 3.6e9),
    ("Millijoule", 1e-3),
    ("TeraelectronVolt", ELECTRON_VOLT * 1e12),
    ("TerawattDay", 8.64e16),
    ("TerawattHour", 3.6e15),
    ("ThermEc", 1.055_055_852_62e8),
    ("ThermImperial", 1.055_055_852_573_48e8),
    ("ThermUs", 1.054_804e8),
    ("WattDay", 86_400.0),
    ("WattHour", 3600.0),
];

/// Cubic metres.
const VOLUME: &[(&str, f64)] = &[
    ("AcreFoot", 1.0 / 0.000_810_714),
    ("AuTablespoon", 2e-5),
    ("BoardFoot", 2.359_737_216e-3),
    ("Centiliter", 1e-5),
    ("CubicCentimeter", 1e-6),
    ("CubicDecimeter", 1e-3),
    ("CubicFoot", CUBIC_FOOT),
    ("CubicHectometer", 1e6),
    ("CubicInch", 1.6387e-5),
    ("CubicKilometer", 1e9),
    ("CubicMeter", 1.0),
    ("CubicMicrometer", 1e-18),
    ("CubicMile", 4.168_181_825_440_58e9),
    ("CubicMillimeter", 1e-9),
    ("CubicYard", 0.764_554_858),
    ("Decaliter", 1e-2),
    ("DecausGallon", US_GALLON * 10.0),
    ("Deciliter", 1e-4),
    ("DeciusGallon", US_GALLON / 10.0),
    ("HectocubicFoot", CUBIC_FOOT * 100.0),
    ("HectocubicMeter", 100.0),
    ("Hectoliter", 0.1),
    ("HectousGallon", US_GALLON * 100.0),
    ("ImperialBeerBarrel", 0.163_659_24),
    ("ImperialGallon", IMPERIAL_GALLON),
    ("ImperialOunce", 2.841_306_249_996_29e-5),
    ("ImperialPint", 5.682_612_5e-4),
    ("KilocubicFoot", CUBIC_FOOT * 1e3),
    ("KilocubicMeter", 1e3),
    ("KiloimperialGallon", IMPERIAL_GALLON * 1e3),
    ("Kiloliter", 1.0),
    ("KilousGallon", US_GALLON * 1e3),
    ("Liter", 1e-3),
    ("MegacubicFoot", CUBIC_FOOT * 1e6),
    ("MegaimperialGallon", IMPERIAL_GALLON * 1e6),
    ("Megaliter", 1e3),
    ("MegausGallon", US_GALLON * 1e6),
    ("MetricCup", 2.5e-4),
    ("MetricTeaspoon", 5e-6),
    ("Microliter", 1e-9),
    ("Milliliter", 1e-6),
    ("OilBarrel", 0.158_987_294_928),
    ("UkTablespoon", 1.5e-5),
    ("UsBeerBarrel", 0.117_347_765_8),
    ("UsCustomaryCup", 2.365_882_365e-4),
    ("UsGallon", US_GALLON),
    ("UsLegalCup", 2.4e-4),
    ("UsOunce", 2.957_352_956_253_76e-5),
    ("UsPint", 4.731_764_73e-4),
    ("UsQuart", 9.463_529_46e-4),
    ("UsTablespoon", 1.478_676_478_125e-5),
    ("UsTeaspoon", 4.928_921_593_75e-6),
];

/// Degrees (Tilt is handled apart: it is not linear).
const ANGLE: &[(&str, f64)] = &[
    ("Arcminute", 1.0 / 60.0),
    ("Arcsecond", 1.0 / 3600.0),
    ("Centiradian", 1e-2 * RADIAN_IN_DEGREES),
    ("Deciradian", 0.1 * RADIAN_IN_DEGREES),
    ("Degree", 1.0),
    ("Gradian", 0.9),
    ("Microdegree", 1e-6),
    ("Microradian", 1e-6 * RADIAN_IN_DEGREES),
    ("Millidegree", 1e-3),
    ("Milliradian", 1e-3 * RADIAN_IN_DEGREES),
    ("Nanodegree", 1e-9),
    ("Nanoradian", 1e-9 * RADIAN_IN_DEGREES),
    ("NatoMil", 360.0 / 6400.0),
    ("Radian", RADIAN_IN_DEGREES),
    ("Revolution", 360.0),
];

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let table = match name {
        "convert_angle" => ANGLE,
        "convert_energy" => ENERGY,
        "convert_force" => FORCE,
        "convert_length" => LENGTH,
        "convert_mass" => MASS,
        "convert_speed" => SPEED,
        "convert_volume" => VOLUME,
        "convert_temperature" => &[],
        _ => return Ok(None),
    };
    let (Some(value), Some(from), Some(to)) = (
        as_f64(&arg(args, 0)),
        as_text(&arg(args, 1)),
        as_text(&arg(args, 2)),
    ) else {
        return Ok(Some(Value::Null));
    };
    let converted = match name {
        "convert_temperature" => to_kelvin(value, &from).and_then(|k| from_kelvin(k, &to)),
        "convert_angle" => to_degrees(value, &from).and_then(|d| from_degrees(d, &to)),
        _ => factor(table, &from)
            .zip(factor(table, &to))
            .map(|(f, t)| value * f / t),
    };
    Ok(Some(converted.map_or(Value::Null, Value::Real)))
}

fn factor(table: &[(&str, f64)], unit: &str) -> Option<f64> {
    table
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(unit))
        .map(|(_, f)| *f)
}

fn to_degrees(value: f64, unit: &str) -> Option<f64> {
    if unit.eq_ignore_ascii_case("Tilt") {
        return Some(value.asin().to_degrees());
    }
    factor(ANGLE, unit).map(|f| value * f)
}

fn from_degrees(degrees: f64, unit: &str) -> Option<f64> {
    if unit.eq_ignore_ascii_case("Tilt") {
        return Some(degrees.to_radians().sin());
    }
    factor(ANGLE, unit).map(|f| degrees / f)
}

fn to_kelvin(value: f64, unit: &str) -> Option<f64> {
    Some(match unit.to_ascii_lowercase().as_str() {
        "degreecelsius" => value + 273.15,
        "degreedelisle" => 373.15 - value * 2.0 / 3.0,
        "degreefahrenheit" => (value + 459.67) * 5.0 / 9.0,
        "degreenewton" => value * 100.0 / 33.0 + 273.15,
        "degreerankine" => value * 5.0 / 9.0,
        "degreereaumur" => value * 5.0 / 4.0 + 273.15,
        "degreeroemer" => (value - 7.5) * 40.0 / 21.0 + 273.15,
        "kelvin" => value,
        "millidegreecelsius" => value / 1000.0 + 273.15,
        "solartemperature" => value * 5778.0,
        _ => return None,
    })
}

fn from_kelvin(kelvin: f64, unit: &str) -> Option<f64> {
    Some(match unit.to_ascii_lowercase().as_str() {
        "degreecelsius" => kelvin - 273.15,
        "degreedelisle" => (373.15 - kelvin) * 3.0 / 2.0,
        "degreefahrenheit" => kelvin * 9.0 / 5.0 - 459.67,
        "degreenewton" => (kelvin - 273.15) * 33.0 / 100.0,
        "degreerankine" => kelvin * 9.0 / 5.0,
        "degreereaumur" => (kelvin - 273.15) * 4.0 / 5.0,
        "degreeroemer" => (kelvin - 273.15) * 21.0 / 40.0 + 7.5,
        "kelvin" => kelvin,
        "millidegreecelsius" => (kelvin - 273.15) * 1000.0,
        "solartemperature" => kelvin / 5778.0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(name: &str, value: f64, from: &str, to: &str) -> f64 {
        match call(
            name,
            &[Value::Real(value), Value::string(from), Value::string(to)],
        ) {
            Ok(Some(Value::Real(r))) => r,
            other => panic!("{other:?}"),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
    }

    #[test]
    fn documented_examples() {
        assert!(close(
            convert("convert_length", 1.2, "Meter", "Foot"),
            3.937_007_874_015_75
        ));
        assert!(close(
            convert("convert_energy", 1.2, "Joule", "BritishThermalUnit"),
            0.001_137_380_544_375_98
        ));
        assert!(close(
            convert("convert_mass", 1.2, "Kilogram", "Pound"),
            2.645_547_146_218_53
        ));
        assert!(close(
            convert("convert_speed", 1.2, "MeterPerSecond", "CentimeterPerHour"),
            432_000.0
        ));
        assert!(close(
            convert("convert_force", 1.2, "Newton", "Decanewton"),
            0.12
        ));
        assert!(close(
            convert("convert_angle", 1.2, "Degree", "Arcminute"),
            72.0
        ));
        assert!(close(
            convert(
                "convert_temperature",
                100.0,
                "DegreeCelsius",
                "DegreeFahrenheit"
            ),
            212.0
        ));
    }

    #[test]
    fn unknown_unit_is_null() {
        assert_eq!(
            call(
                "convert_mass",
                &[
                    Value::Real(1.0),
                    Value::string("Kilogram"),
                    Value::string("Furlong")
                ]
            )
            .unwrap(),
            Some(Value::Null)
        );
    }
}
